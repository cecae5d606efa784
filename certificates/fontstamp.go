package certificates

import "encoding/binary"

// stableFontProgram makes a subset font's bytes depend only on the glyphs it holds: the
// subsetter stamps the 'head' table's "modified" date with the current second, which made
// two renderings of the same certificate differ. The date is set to the font's "created"
// date and the checksums are recomputed (the table's, then the whole file's adjustment).
func stableFontProgram(b []byte) []byte {
	if len(b) < 12 {
		return b
	}
	n := int(binary.BigEndian.Uint16(b[4:6]))
	if len(b) < 12+16*n {
		return b
	}
	for i := 0; i < n; i++ {
		rec := b[12+16*i : 28+16*i]
		if string(rec[0:4]) != "head" {
			continue
		}
		off, length := int(binary.BigEndian.Uint32(rec[8:12])), int(binary.BigEndian.Uint32(rec[12:16]))
		if length < 36 || off+length > len(b) {
			return b
		}
		head := b[off : off+length]
		copy(head[28:36], head[20:28])            // modified := created
		binary.BigEndian.PutUint32(head[8:12], 0) // checkSumAdjustment is left out of sums
		binary.BigEndian.PutUint32(rec[4:8], fontChecksum(head))
		binary.BigEndian.PutUint32(head[8:12], 0xB1B0AFBA-fontChecksum(b))
		return b
	}
	return b
}

// fontChecksum is the OpenType checksum: the sum of big-endian uint32 words, zero-padded.
func fontChecksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:min(i+4, len(b))])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
