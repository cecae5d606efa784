package web

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// xlsxType is the media type of an Excel workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// attachmentHeader is the Content-Disposition of a file to save named name: the name in
// plain ASCII for old clients, and exactly (UTF-8, RFC 5987's filename*) for the others.
func attachmentHeader(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == ';' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, rfc5987(name))
}

// sendAttachment answers with data as a file to save, kept by no cache: every download of
// the platform but its open data is someone's or a role's.
func sendAttachment(c *fiber.Ctx, contentType, name string, data []byte) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, attachmentHeader(name))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(data)
}

// sendXLSX answers with an Excel workbook to save.
func sendXLSX(c *fiber.Ctx, name string, b []byte) error {
	return sendAttachment(c, xlsxType, name, b)
}
