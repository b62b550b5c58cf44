%% erlpeer: the Erlang/OTP side of the Go package erlpeer.
%%
%% Started as `erl -noshell -noinput -pa Dir -run erlpeer main Spec OutDir`.
%% It compiles the ASN.1 specification Spec with asn1ct (DER) into OutDir,
%% loads the result and then serves requests framed with a 4-byte big-endian
%% length on file descriptor 3 (requests) and 4 (replies), so that anything
%% the runtime prints on stdout or stderr cannot corrupt the framing.
%%
%% Every reply is <<0, Payload/binary>> on success or <<1, Reason/binary>> on
%% failure, Reason being the printed Erlang reason. The first reply, sent
%% without a request, answers the compilation: the module name on success.
%%
%% Requests (Type and Op are names, Term is an external term):
%%   <<$E, TL:16, Type:TL/binary, Term/binary>>        Mod:encode(Type, binary_to_term(Term))
%%   <<$D, TL:16, Type:TL/binary, Der/binary>>         term_to_binary(Mod:decode(Type, Der), [{minor_version, 2}])
%%   <<$C, Term/binary>>                               <<Len:32, V2:Len/binary, Default/binary>>
%%   <<$B, OL:8, Op:OL/binary, TL:16, Type:TL/binary, N:32, Input/binary>>
%%                                                     <<Nanoseconds:64>> for N iterations of Op
%%   <<$M, Count:32, (Len:32, Request:Len/binary)*>>   <<Count:32, (Len:32, Reply:Len/binary)*>>
-module(erlpeer).

-export([main/1]).

-define(REASON_DEPTH, 40).

main([Spec, OutDir]) ->
    Port = open_port({fd, 3, 4}, [binary, {packet, 4}, eof]),
    case setup(Spec, OutDir) of
        {ok, Mod} ->
            send(Port, <<0, (atom_to_binary(Mod, utf8))/binary>>),
            loop(Port, Mod);
        {error, Reason} ->
            send(Port, <<1, (format(Reason))/binary>>),
            loop(Port, undefined)
    end.

setup(Spec, OutDir) ->
    case asn1ct:compile(Spec, [der, {outdir, OutDir}]) of
        ok ->
            Beams = filelib:wildcard(filename:join(OutDir, "*.beam")),
            load(Beams);
        {error, Reason} ->
            {error, {asn1ct_compile, Spec, Reason}};
        Other ->
            {error, {asn1ct_compile, Spec, Other}}
    end.

load([Beam]) ->
    case code:load_abs(filename:rootname(Beam)) of
        {module, Mod} -> {ok, Mod};
        {error, Reason} -> {error, {load, Beam, Reason}}
    end;
load(Beams) ->
    {error, {expected_one_module, Beams}}.

loop(Port, Mod) ->
    receive
        {Port, {data, Request}} ->
            send(Port, handle(Request, Mod)),
            loop(Port, Mod);
        {Port, eof} ->
            erlang:halt(0)
    end.

send(Port, Reply) ->
    Port ! {self(), {command, Reply}}.

handle(_Request, undefined) ->
    <<1, "no ASN.1 module loaded">>;
handle(Request, Mod) ->
    try dispatch(Request, Mod) of
        {ok, Payload} -> <<0, Payload/binary>>;
        {error, Reason} -> <<1, (format(Reason))/binary>>
    catch
        Class:Reason -> <<1, (format({Class, Reason}))/binary>>
    end.

dispatch(<<$E, TL:16, T:TL/binary, Term/binary>>, Mod) ->
    case Mod:encode(type(T), binary_to_term(Term)) of
        {ok, Bytes} -> {ok, iolist_to_binary(Bytes)};
        Error -> Error
    end;
dispatch(<<$D, TL:16, T:TL/binary, Der/binary>>, Mod) ->
    case Mod:decode(type(T), Der) of
        {ok, Value} -> {ok, term_to_binary(Value, [{minor_version, 2}])};
        {ok, _Value, Rest} -> {error, {trailing_data, byte_size(Rest)}};
        Error -> Error
    end;
dispatch(<<$C, Term/binary>>, _Mod) ->
    Value = binary_to_term(Term),
    V2 = term_to_binary(Value, [{minor_version, 2}]),
    Default = term_to_binary(Value),
    {ok, <<(byte_size(V2)):32, V2/binary, Default/binary>>};
dispatch(<<$B, OL:8, Op:OL/binary, TL:16, T:TL/binary, N:32, Input/binary>>, Mod) ->
    bench(Op, Mod, type(T), Input, N);
dispatch(<<$M, Count:32, Rest/binary>>, Mod) ->
    Replies = batch(Count, Rest, Mod, []),
    {ok, iolist_to_binary([<<Count:32>> | Replies])};
dispatch(<<Op, _/binary>>, _Mod) ->
    {error, {unknown_request, Op}};
dispatch(<<>>, _Mod) ->
    {error, empty_request}.

batch(0, <<>>, _Mod, Acc) ->
    lists:reverse(Acc);
batch(N, <<Len:32, Request:Len/binary, Rest/binary>>, Mod, Acc) when N > 0 ->
    Reply = handle(Request, Mod),
    batch(N - 1, Rest, Mod, [[<<(byte_size(Reply)):32>>, Reply] | Acc]);
batch(N, Rest, _Mod, _Acc) ->
    error({malformed_batch, N, byte_size(Rest)}).

type(Name) ->
    try
        binary_to_existing_atom(Name, utf8)
    catch
        error:badarg -> error({unknown_type, Name})
    end.

%% bench times N iterations of one operation after a check that it succeeds.
bench(<<"encode">>, Mod, Type, Input, N) ->
    Value = binary_to_term(Input),
    {ok, _} = Mod:encode(Type, Value),
    timed(fun() -> encode_loop(N, Mod, Type, Value) end);
bench(<<"decode">>, Mod, Type, Input, N) ->
    {ok, _} = Mod:decode(Type, Input),
    timed(fun() -> decode_loop(N, Mod, Type, Input) end);
bench(<<"term_to_binary">>, _Mod, _Type, Input, N) ->
    Value = binary_to_term(Input),
    timed(fun() -> t2b_loop(N, Value) end);
bench(<<"binary_to_term">>, _Mod, _Type, Input, N) ->
    _ = binary_to_term(Input),
    timed(fun() -> b2t_loop(N, Input) end);
bench(Op, _Mod, _Type, _Input, _N) ->
    {error, {unknown_bench, Op}}.

%% timed runs Loop in a fresh process, so that the heap of the server
%% process does not weigh on the garbage collections being timed.
timed(Loop) ->
    {Pid, Ref} = spawn_monitor(fun() ->
        T0 = erlang:monotonic_time(nanosecond),
        ok = Loop(),
        T1 = erlang:monotonic_time(nanosecond),
        exit({timed, T1 - T0})
    end),
    receive
        {'DOWN', Ref, process, Pid, {timed, Ns}} -> {ok, <<Ns:64>>};
        {'DOWN', Ref, process, Pid, Reason} -> {error, Reason}
    end.

encode_loop(0, _Mod, _Type, _Value) -> ok;
encode_loop(N, Mod, Type, Value) ->
    {ok, _} = Mod:encode(Type, Value),
    encode_loop(N - 1, Mod, Type, Value).

decode_loop(0, _Mod, _Type, _Input) -> ok;
decode_loop(N, Mod, Type, Input) ->
    {ok, _} = Mod:decode(Type, Input),
    decode_loop(N - 1, Mod, Type, Input).

t2b_loop(0, _Value) -> ok;
t2b_loop(N, Value) ->
    _ = term_to_binary(Value, [{minor_version, 2}]),
    t2b_loop(N - 1, Value).

b2t_loop(0, _Input) -> ok;
b2t_loop(N, Input) ->
    _ = binary_to_term(Input),
    b2t_loop(N - 1, Input).

%% format prints a reason without the stack traces asn1ct appends.
format({error, {asn1, {Reason, Stack}}}) when is_list(Stack) ->
    format({asn1, Reason});
format({asn1, {Reason, Stack}}) when is_list(Stack) ->
    format({asn1, Reason});
format(Reason) ->
    unicode:characters_to_binary(io_lib:format("~0tP", [Reason, ?REASON_DEPTH])).
