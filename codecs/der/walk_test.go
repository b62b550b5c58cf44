package der

import "errors"

// walk reads every element of d with the typed reader for its universal
// tag, entering constructed elements. An INTEGER too large for int64 is
// valid DER and is skipped.
func walk(d *Decoder) error {
	for d.More() {
		t, ok := d.PeekTag()
		if !ok {
			return d.Skip()
		}
		if t.IsConstructed() {
			in, err := d.Enter(t)
			if err != nil {
				return err
			}
			if err := walk(&in); err != nil {
				return err
			}
			if err := in.Finish(); err != nil {
				return err
			}
			continue
		}
		var err error
		switch t {
		case TagBoolean:
			_, err = d.Boolean(t)
		case TagInteger, TagEnumerated:
			if _, err = d.Integer(t); errors.Is(err, ErrIntegerRange) {
				err = d.Skip()
			}
		case TagBitString:
			_, err = d.BitString(t)
		case TagOctetString:
			_, err = d.OctetString(t)
		case TagNull:
			err = d.Null(t)
		case TagOID:
			_, err = d.OID(t)
		case TagUTF8String, TagPrintableString, TagIA5String, TagUTCTime,
			TagGeneralizedTime, TagUniversalString:
			_, err = d.String(t)
		case 0, 16, 17:
			_, err = d.Any() // invalid in DER: Any reports why
		default:
			err = d.Skip()
		}
		if err != nil {
			return err
		}
	}
	return nil
}
