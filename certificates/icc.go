package certificates

import (
	"bytes"
	"encoding/binary"
	"math"
	"sync"
)

// The sRGB colour profile that PDF/A's output intent embeds, built here from the
// colorimetry published in IEC 61966-2-1 (primaries, D65 white point, tone curve) rather
// than copied from a profile file of uncertain licence. It is an ICC version 2 display
// profile (PDF/A-1 rests on PDF 1.4, which knows ICC profiles up to version 2.x): the
// colorants adapted to the D50 profile connection space with the Bradford transform, a
// media white point equal to the PCS illuminant (the colorants' sum), and one sampled tone
// curve shared by the three channels.
var srgbProfile = sync.OnceValue(buildSRGBProfile)

// iccD50 is the profile connection space's illuminant, as ICC.1 fixes it.
var iccD50 = [3]float64{0.9642, 1.0, 0.8249}

// srgbColorants are the XYZ values of sRGB's red, green and blue at full intensity, as seen
// under D50: the columns of the RGB→XYZ matrix for the primaries and D65, adapted with the
// Bradford transform.
func srgbColorants() [3][3]float64 {
	xy := [3][2]float64{{0.64, 0.33}, {0.30, 0.60}, {0.15, 0.06}}
	wx, wy := 0.3127, 0.3290
	white := [3]float64{wx / wy, 1, (1 - wx - wy) / wy}
	// Primaries as XYZ with Y = 1, as columns of p.
	var p [3][3]float64
	for i, c := range xy {
		p[0][i], p[1][i], p[2][i] = c[0]/c[1], 1, (1-c[0]-c[1])/c[1]
	}
	// Scale each primary so that full red, green and blue together make the white.
	s := mulVec(invert(p), white)
	var m [3][3]float64
	for r := 0; r < 3; r++ {
		for c := 0; c < 3; c++ {
			m[r][c] = p[r][c] * s[c]
		}
	}
	// Bradford chromatic adaptation from D65 to D50.
	brad := [3][3]float64{{0.8951, 0.2664, -0.1614}, {-0.7502, 1.7135, 0.0367}, {0.0389, -0.0685, 1.0296}}
	src, dst := mulVec(brad, white), mulVec(brad, iccD50)
	var scale [3][3]float64
	for i := range 3 {
		scale[i][i] = dst[i] / src[i]
	}
	adapt := mulMat(invert(brad), mulMat(scale, brad))
	return mulMat(adapt, m)
}

func mulVec(m [3][3]float64, v [3]float64) [3]float64 {
	var out [3]float64
	for r := range 3 {
		out[r] = m[r][0]*v[0] + m[r][1]*v[1] + m[r][2]*v[2]
	}
	return out
}

func mulMat(a, b [3][3]float64) [3][3]float64 {
	var out [3][3]float64
	for r := range 3 {
		for c := range 3 {
			out[r][c] = a[r][0]*b[0][c] + a[r][1]*b[1][c] + a[r][2]*b[2][c]
		}
	}
	return out
}

func invert(m [3][3]float64) [3][3]float64 {
	det := m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) - m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) + m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	var out [3][3]float64
	for r := range 3 {
		for c := range 3 {
			// The cofactor of (c, r), divided by the determinant.
			r1, r2 := (c+1)%3, (c+2)%3
			c1, c2 := (r+1)%3, (r+2)%3
			out[r][c] = (m[r1][c1]*m[r2][c2] - m[r1][c2]*m[r2][c1]) / det
		}
	}
	return out
}

// s15Fixed16 is ICC's signed fixed-point number with 16 fraction bits.
func s15Fixed16(f float64) uint32 { return uint32(int32(math.Round(f * 65536))) }

// srgbDecode is sRGB's tone curve, from an encoded value to linear light (both 0–1).
func srgbDecode(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

func buildSRGBProfile() []byte {
	type tag struct {
		sig  string
		data []byte
	}
	xyz := func(v [3]float64) []byte {
		b := make([]byte, 20)
		copy(b, "XYZ ")
		for i, f := range v {
			binary.BigEndian.PutUint32(b[8+4*i:], s15Fixed16(f))
		}
		return b
	}
	// The tone curve, sampled at 1024 points (ample for 8-bit colour).
	const samples = 1024
	curve := make([]byte, 12+2*samples)
	copy(curve, "curv")
	binary.BigEndian.PutUint32(curve[8:], samples)
	for i := range samples {
		v := srgbDecode(float64(i) / (samples - 1))
		binary.BigEndian.PutUint16(curve[12+2*i:], uint16(math.Round(v*65535)))
	}
	// textDescriptionType: an ASCII description, no Unicode or ScriptCode one.
	const name = "sRGB IEC61966-2.1"
	desc := make([]byte, 12+len(name)+1+4+4+2+1+67)
	copy(desc, "desc")
	binary.BigEndian.PutUint32(desc[8:], uint32(len(name)+1))
	copy(desc[12:], name)
	text := []byte("text\x00\x00\x00\x00No copyright: built by Masar from the IEC 61966-2-1 parameters; use freely.\x00")

	col := srgbColorants()
	tags := []tag{
		{"desc", desc},
		{"cprt", text},
		{"wtpt", xyz(iccD50)},
		{"rXYZ", xyz([3]float64{col[0][0], col[1][0], col[2][0]})},
		{"gXYZ", xyz([3]float64{col[0][1], col[1][1], col[2][1]})},
		{"bXYZ", xyz([3]float64{col[0][2], col[1][2], col[2][2]})},
		{"rTRC", curve},
		{"gTRC", curve},
		{"bTRC", curve},
	}

	// Header, tag table, then the tags' data, each on a four-byte boundary; the three
	// tone curves share one copy.
	offset := 128 + 4 + 12*len(tags)
	var table, data bytes.Buffer
	binary.Write(&table, binary.BigEndian, uint32(len(tags))) //nolint:errcheck // bytes.Buffer does not fail
	placed := map[*byte]uint32{}
	for _, t := range tags {
		at, ok := placed[&t.data[0]]
		if !ok {
			at = uint32(offset + data.Len())
			placed[&t.data[0]] = at
			data.Write(t.data)
			for data.Len()%4 != 0 {
				data.WriteByte(0)
			}
		}
		table.WriteString(t.sig)
		binary.Write(&table, binary.BigEndian, [2]uint32{at, uint32(len(t.data))}) //nolint:errcheck // bytes.Buffer does not fail
	}
	size := offset + data.Len()
	h := make([]byte, 128)
	binary.BigEndian.PutUint32(h[0:], uint32(size))
	binary.BigEndian.PutUint32(h[8:], 0x02100000) // version 2.1
	copy(h[12:], "mntr")
	copy(h[16:], "RGB ")
	copy(h[20:], "XYZ ")
	// Date and time of creation: fixed, so that the bytes never change.
	for i, v := range []uint16{2025, 1, 1, 0, 0, 0} {
		binary.BigEndian.PutUint16(h[24+2*i:], v)
	}
	copy(h[36:], "acsp")
	binary.BigEndian.PutUint32(h[64:], 0) // perceptual rendering intent
	for i, f := range iccD50 {
		binary.BigEndian.PutUint32(h[68+4*i:], s15Fixed16(f))
	}
	out := make([]byte, 0, size)
	out = append(out, h...)
	out = append(out, table.Bytes()...)
	return append(out, data.Bytes()...)
}
