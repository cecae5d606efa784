package certificates

import (
	"bytes"
	"compress/zlib"
	"encoding/xml"
	"fmt"
	"strings"
	"sync"
)

// What makes a certificate an archival PDF (PDF/A-1b, ISO 19005-1, level B): the objects
// of the document as a whole — the XMP metadata packet that repeats the document
// properties, the output intent that says what the colours mean, the set of glyphs each
// subset font holds — written beside the page by writePDF.

// dates is the date of issue in the Info dictionary's form and in XMP's, the same instant.
func (i docInfo) dates() (info, xmp string) {
	t := i.created.UTC()
	return "D:" + t.Format("20060102150405") + "Z", t.Format("2006-01-02T15:04:05Z")
}

// xmpPacket is the document's XMP metadata: the PDF/A identification, and the document
// properties of the Info dictionary, to which PDF/A holds them equal (title, author,
// subject, keywords, creator tool, producer, dates), with the document's language.
func (i docInfo) xmpPacket() []byte {
	esc := func(s string) string {
		var b strings.Builder
		xml.EscapeText(&b, []byte(s)) //nolint:errcheck // strings.Builder does not fail
		return b.String()
	}
	_, date := i.dates()
	var b strings.Builder
	b.WriteString("<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	b.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/">` + "\n")
	b.WriteString(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` + "\n")
	b.WriteString(`<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">` + "\n")
	b.WriteString("<pdfaid:part>1</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n</rdf:Description>\n")
	b.WriteString(`<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">` + "\n")
	b.WriteString("<dc:format>application/pdf</dc:format>\n")
	fmt.Fprintf(&b, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:title>\n", esc(i.title))
	fmt.Fprintf(&b, "<dc:creator><rdf:Seq><rdf:li>%s</rdf:li></rdf:Seq></dc:creator>\n", esc(i.author))
	fmt.Fprintf(&b, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:description>\n", esc(i.subject))
	fmt.Fprintf(&b, "<dc:language><rdf:Bag><rdf:li>%s</rdf:li></rdf:Bag></dc:language>\n", esc(i.lang))
	b.WriteString("</rdf:Description>\n")
	b.WriteString(`<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">` + "\n")
	fmt.Fprintf(&b, "<xmp:CreatorTool>%s</xmp:CreatorTool>\n<xmp:CreateDate>%s</xmp:CreateDate>\n<xmp:ModifyDate>%s</xmp:ModifyDate>\n<xmp:MetadataDate>%s</xmp:MetadataDate>\n",
		esc(i.creator), date, date, date)
	b.WriteString("</rdf:Description>\n")
	b.WriteString(`<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">` + "\n")
	fmt.Fprintf(&b, "<pdf:Producer>%s</pdf:Producer>\n<pdf:Keywords>%s</pdf:Keywords>\n", esc(producer), esc(i.keywords))
	b.WriteString("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>")
	return []byte(b.String())
}

// producer is the Info dictionary's and XMP's name of the program that wrote the PDF.
const producer = "Masar"

// writeOutputIntent writes the PDF/A output intent, which says that the page's DeviceRGB
// colours are sRGB, with the sRGB profile embedded; it returns the intent's object number.
func writeOutputIntent(o *pdfObjects) (int, error) {
	intent, profile := o.reserve(), o.reserve()
	compressed, err := srgbProfileFlate()
	if err != nil {
		return 0, err
	}
	if err := o.stream(profile, "/N 3/Filter/FlateDecode", compressed, false); err != nil {
		return 0, err
	}
	o.set(intent, fmt.Sprintf("<</Type/OutputIntent/S/GTS_PDFA1/OutputConditionIdentifier(sRGB IEC61966-2.1)/Info(sRGB IEC61966-2.1)/RegistryName(http://www.color.org)/DestOutputProfile %s>>",
		ref(profile)))
	return intent, nil
}

// srgbProfileFlate is the sRGB profile compressed, once for the process: a compressor's
// state outweighs the profile, and every certificate embeds the same bytes.
var srgbProfileFlate = sync.OnceValues(func() ([]byte, error) {
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(srgbProfile()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return z.Bytes(), nil
})

// writeCIDSet writes the CIDSet PDF/A requires of a subset CID font: one bit per CID,
// most significant bit first, set for the CIDs 0 to n-1 the subset holds. A few dozen
// bytes, left uncompressed.
func writeCIDSet(o *pdfObjects, n int) (int, error) {
	set := o.reserve()
	bits := make([]byte, (n+7)/8)
	for cid := range n {
		bits[cid/8] |= 0x80 >> (cid % 8)
	}
	return set, o.stream(set, "", bits, false)
}
