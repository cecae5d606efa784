package web

import (
	"bytes"
	"hash/crc32"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// castagnoli is computed by the CPU's CRC32 instruction where there is one. (Fiber's etag
// middleware uses a polynomial without hardware support: a byte at a time, which was half of
// the cost of serving a cached 40 KB page.)
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// pageETag is the weak validator of a response body: its length and checksum.
func pageETag(body []byte) []byte {
	b := make([]byte, 0, 24)
	b = append(b, `W/"`...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, '-')
	b = strconv.AppendUint(b, uint64(crc32.Checksum(body, castagnoli)), 36)
	return append(b, '"')
}

// conditional gives successful GET and HEAD responses an ETag (unless the handler set one,
// as the page cache does from the checksum it kept) and answers a matching If-None-Match
// with 304 and no body.
func conditional(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err
	}
	res := c.Response()
	if res.StatusCode() != fiber.StatusOK {
		return nil
	}
	if m := c.Method(); m != fiber.MethodGet && m != fiber.MethodHead {
		return nil
	}
	tag := res.Header.Peek(fiber.HeaderETag)
	if len(tag) == 0 {
		body := res.Body()
		if len(body) == 0 {
			return nil
		}
		tag = pageETag(body)
		res.Header.SetBytesV(fiber.HeaderETag, tag)
	}
	if inm := c.Request().Header.Peek(fiber.HeaderIfNoneMatch); len(inm) > 0 && etagMatches(inm, tag) {
		c.Context().ResetBody()
		c.Status(fiber.StatusNotModified)
	}
	return nil
}

// etagMatches applies the weak comparison of RFC 9110 to an If-None-Match list.
func etagMatches(list, tag []byte) bool {
	tag = bytes.TrimPrefix(tag, []byte("W/"))
	for len(list) > 0 {
		var item []byte
		if i := bytes.IndexByte(list, ','); i >= 0 {
			item, list = list[:i], list[i+1:]
		} else {
			item, list = list, nil
		}
		item = bytes.TrimSpace(item)
		if string(item) == "*" || bytes.Equal(bytes.TrimPrefix(item, []byte("W/")), tag) {
			return true
		}
	}
	return false
}
