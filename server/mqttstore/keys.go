package mqttstore

import "encoding/binary"

// Key prefixes, all under "mqtt/" in the shared store.
const (
	prefix         = "mqtt/"
	clientPrefix   = prefix + "cl/"   // mqtt/cl/<client id>
	subPrefix      = prefix + "sub/"  // mqtt/sub/<client id><end><filter>
	inflightPrefix = prefix + "infl/" // mqtt/infl/<client id><end><packet id BE16>
	retainedPrefix = prefix + "ret/"  // mqtt/ret/<topic>
	pendingPrefix  = prefix + "pend/" // mqtt/pend/<publish number BE64>
	sysInfoKey     = prefix + "sys"   // mqtt/sys
)

// appendClientID appends id escaped so that it can be followed by other key
// components: 0x00 becomes 0x00 0xff and the id ends with 0x00 0x01. No
// escaped id is then a prefix of another's, and a range scan of one client
// never reaches another client (MQTT forbids U+0000 in client identifiers
// [MQTT-1.5.4-2], but the key schema does not rely on it).
func appendClientID(b []byte, id string) []byte {
	for i := 0; i < len(id); i++ {
		b = append(b, id[i])
		if id[i] == 0 {
			b = append(b, 0xff)
		}
	}
	return append(b, 0, 1)
}

func clientKey(id string) []byte {
	return append([]byte(clientPrefix), id...)
}

// clientSubPrefix is the prefix of every subscription key of a client.
func clientSubPrefix(id string) []byte {
	return appendClientID([]byte(subPrefix), id)
}

func subKey(id, filter string) []byte {
	return append(clientSubPrefix(id), filter...)
}

// clientInflightPrefix is the prefix of every inflight key of a client.
func clientInflightPrefix(id string) []byte {
	return appendClientID([]byte(inflightPrefix), id)
}

func inflightKey(id string, packetID uint16) []byte {
	return binary.BigEndian.AppendUint16(clientInflightPrefix(id), packetID)
}

func retainedKey(topic string) []byte {
	return append([]byte(retainedPrefix), topic...)
}

func pendingKey(n uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(pendingPrefix), n)
}
