package certificates

import (
	"bytes"
	"image/color"
	"image/png"

	"github.com/tdewolff/canvas"
	"github.com/tdewolff/canvas/renderers/rasterizer"
)

// mmPerPt converts points to the millimetres canvas works in.
const mmPerPt = 25.4 / 72

// writePNG draws the page as the PDF shows it — the same shapes and the same glyph
// outlines at the same places — into a PNG of dpi dots per inch, on white.
func (d *document) writePNG(dpi float64) ([]byte, error) {
	c := canvas.New(d.width*mmPerPt, d.height*mmPerPt)
	ctx := canvas.NewContext(c)
	ctx.SetFillColor(color.White)
	ctx.SetStrokeColor(canvas.Transparent)
	ctx.DrawPath(0, 0, canvas.Rectangle(d.width*mmPerPt, d.height*mmPerPt))
	draw := func(p *path, fill, stroke *rgb, width float64) {
		cp := p.canvas()
		if fill != nil {
			ctx.SetFillColor(fill.color())
		} else {
			ctx.SetFillColor(canvas.Transparent)
		}
		if stroke != nil {
			ctx.SetStrokeColor(stroke.color())
			ctx.SetStrokeWidth(width * mmPerPt)
		} else {
			ctx.SetStrokeColor(canvas.Transparent)
		}
		ctx.DrawPath(0, 0, cp)
	}
	for _, s := range d.shapes {
		draw(s.path, s.fill, s.stroke, s.lineWidth)
	}
	d.drawImages(ctx)
	for _, l := range d.lines {
		for _, r := range l.runs {
			col := r.color
			for _, g := range r.glyphs {
				if p := glyphOutline(r.face, g.id, r.x+g.dx, r.y+g.dy, r.size); p != nil {
					draw(p, &col, nil, 0)
				}
			}
		}
	}
	img := rasterizer.Draw(c, canvas.DPI(dpi), canvas.DefaultColorSpace)
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (c rgb) color() color.RGBA {
	return color.RGBA{R: uint8(c.r*255 + 0.5), G: uint8(c.g*255 + 0.5), B: uint8(c.b*255 + 0.5), A: 255}
}

// canvas converts the path from points to a canvas path in millimetres.
func (p *path) canvas() *canvas.Path {
	cp := &canvas.Path{}
	for _, o := range p.ops {
		switch o.op {
		case 'm':
			cp.MoveTo(o.pts[0][0]*mmPerPt, o.pts[0][1]*mmPerPt)
		case 'l':
			cp.LineTo(o.pts[0][0]*mmPerPt, o.pts[0][1]*mmPerPt)
		case 'c':
			cp.CubeTo(o.pts[0][0]*mmPerPt, o.pts[0][1]*mmPerPt, o.pts[1][0]*mmPerPt, o.pts[1][1]*mmPerPt, o.pts[2][0]*mmPerPt, o.pts[2][1]*mmPerPt)
		case 'h':
			cp.Close()
		}
	}
	return cp
}
