// Package sheet holds what every Excel export of the platform does alike: valid sheet names,
// right-to-left sheets for Arabic, a frozen header row streamed with excelize, and the
// writing of the finished file (Write), which every export goes through.
package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// keyLike matches a catalogue key (what a missing translation shows instead of words).
var keyLike = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)+$`)

// Name makes a valid sheet name from s: at most 31 characters, none of []:*?/\. It is the
// fallback when nothing is left or when s is an untranslated catalogue key.
func Name(s, fallback string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if rs := []rune(s); len(rs) > 31 {
		s = string(rs[:31])
	}
	if s == "" || keyLike.MatchString(s) {
		return fallback
	}
	return s
}

// Stream prepares sheet name of f for writing rows in a stream: right to left when lang is
// Arabic, and the first row (the header) and the first frozenCols columns kept in view.
func Stream(f *excelize.File, name, lang string, frozenCols int) (*excelize.StreamWriter, error) {
	rtl := lang == "ar"
	if err := f.SetSheetView(name, 0, &excelize.ViewOptions{RightToLeft: &rtl}); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	panes := &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}
	if frozenCols > 0 {
		top, _ := excelize.CoordinatesToCellName(frozenCols+1, 2)
		panes = &excelize.Panes{Freeze: true, YSplit: 1, XSplit: frozenCols, TopLeftCell: top, ActivePane: "bottomRight"}
	}
	if err := sw.SetPanes(panes); err != nil {
		return nil, err
	}
	return sw, nil
}

// HeaderStyle adds to f the style of a header row: white bold text on the platform's green,
// wrapped and ruled below.
func HeaderStyle(f *excelize.File) (int, error) {
	return f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"0B5C55"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
	})
}

// NumberStyles adds to f one cell style per number format (e.g. "0.0%", "yyyy-mm-dd") and
// returns their ids in the same order.
func NumberStyles(f *excelize.File, formats ...string) ([]int, error) {
	ids := make([]int, len(formats))
	for i := range formats {
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &formats[i]})
		if err != nil {
			return nil, fmt.Errorf("sheet: number format %q: %w", formats[i], err)
		}
		ids[i] = id
	}
	return ids, nil
}

// AutoFilter puts a filter on the header row of a streamed sheet over cols columns and rows
// rows (the header included). It must be called before the stream is flushed: the stream
// writes the sheet's filter when it flushes, and drops one declared afterwards.
func AutoFilter(f *excelize.File, name string, cols, rows int) error {
	if cols < 1 {
		return nil
	}
	end, err := excelize.CoordinatesToCellName(cols, max(rows, 1))
	if err != nil {
		return err
	}
	return f.AutoFilter(name, "A1:"+end, nil)
}

// Write writes f to w as an .xlsx file. Right-to-left sheets are marked rightToLeft="1":
// excelize writes "true", a valid xsd:boolean that some spreadsheet readers ignore, so that
// an Arabic sheet would open left to right there. The mark is changed as the sheet is
// zipped, so that a streamed sheet is not read back into memory.
//
// The document's properties (docProps/core.xml) are written here too, with every element of
// the core-properties namespace prefixed (cp:lastModifiedBy): excelize writes that namespace as
// the default one, which is valid XML but which readers that match prefixes (ExcelJS) refuse,
// and it gives a file without a modified date a placeholder from 2006. The modified date is
// the time of writing unless the file's properties name one.
func Write(f *excelize.File, w io.Writer) error {
	props, err := f.GetDocProps()
	if err != nil {
		return fmt.Errorf("sheet: properties: %w", err)
	}
	now := time.Now().UTC().Format(time.RFC3339)
	if props.Created == "" {
		props.Created = now
	}
	if props.Modified == "" || strings.HasPrefix(props.Modified, "2006-09-16") {
		props.Modified = now
	}
	if props.Creator == "" {
		props.Creator = "Masar"
	}
	if props.LastModifiedBy == "" {
		props.LastModifiedBy = props.Creator
	}
	core := coreXML(props)
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter { return &rtlZip{Writer: zip.NewWriter(w), core: core} })
	return f.Write(w)
}

// coreXML writes the core properties of an OOXML package (ECMA-376 part 2, 11) with the
// prefixes spreadsheet programs expect.
func coreXML(p *excelize.DocProperties) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	elem := func(name, v string) {
		if v == "" {
			return
		}
		b.WriteString("<" + name + ">")
		_ = xml.EscapeText(&b, []byte(v))
		b.WriteString("</" + name + ">")
	}
	elem("dc:title", p.Title)
	elem("dc:subject", p.Subject)
	elem("dc:creator", p.Creator)
	elem("cp:keywords", p.Keywords)
	elem("dc:description", p.Description)
	elem("cp:lastModifiedBy", p.LastModifiedBy)
	elem("dc:language", p.Language)
	elem("cp:category", p.Category)
	elem("cp:version", p.Version)
	elem("cp:revision", p.Revision)
	for _, d := range []struct{ name, v string }{{"dcterms:created", p.Created}, {"dcterms:modified", p.Modified}} {
		b.WriteString("<" + d.name + ` xsi:type="dcterms:W3CDTF">`)
		_ = xml.EscapeText(&b, []byte(d.v))
		b.WriteString("</" + d.name + ">")
	}
	b.WriteString(`</cp:coreProperties>`)
	return b.Bytes()
}

var rtlTrue, rtlOne = []byte(` rightToLeft="true"`), []byte(` rightToLeft="1"`)

// rtlZip is a zip writer that rewrites the sheet views of the worksheets it is given.
type rtlZip struct {
	*zip.Writer
	open *viewFixer // the worksheet being written, until the next part begins
	core []byte     // docProps/core.xml as Write made it, in place of excelize's
}

func (z *rtlZip) Create(name string) (io.Writer, error) {
	if err := z.finish(); err != nil {
		return nil, err
	}
	if name == "docProps/core.xml" && z.core != nil {
		w, err := z.Writer.Create(name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(z.core); err != nil {
			return nil, err
		}
		return io.Discard, nil
	}
	w, err := z.Writer.Create(name)
	if err != nil || !strings.HasPrefix(name, "xl/worksheets/") || !strings.HasSuffix(name, ".xml") {
		return w, err
	}
	z.open = &viewFixer{w: w}
	return z.open, nil
}

func (z *rtlZip) Close() error {
	if err := z.finish(); err != nil {
		return err
	}
	return z.Writer.Close()
}

func (z *rtlZip) finish() error {
	if z.open == nil {
		return nil
	}
	err := z.open.flush()
	z.open = nil
	return err
}

// viewFixer holds back the start of a worksheet, where its sheet views are, until the
// sheet data begins (or 64 KiB have passed), rewrites the right-to-left mark there and
// passes the rest through as it comes.
type viewFixer struct {
	w    io.Writer
	head bytes.Buffer
	done bool
}

func (v *viewFixer) Write(p []byte) (int, error) {
	if v.done {
		return v.w.Write(p)
	}
	v.head.Write(p)
	if bytes.Contains(v.head.Bytes(), []byte("<sheetData")) || v.head.Len() > 64<<10 {
		if err := v.flush(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (v *viewFixer) flush() error {
	if v.done {
		return nil
	}
	v.done = true
	_, err := v.w.Write(bytes.ReplaceAll(v.head.Bytes(), rtlTrue, rtlOne))
	v.head = bytes.Buffer{}
	return err
}
