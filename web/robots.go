package web

import "github.com/gofiber/fiber/v2"

// noIndex keeps a page out of search engines: the verification pages show holders' names
// and revocation reasons to whoever has the code, and to no one else. It sets X-Robots-Tag
// (which also covers redirects and JSON) and has the layout add <meta name="robots">.
func noIndex(c *fiber.Ctx) error {
	c.Set("X-Robots-Tag", "noindex, nofollow")
	c.Locals(keyNoIndex, true)
	return c.Next()
}

// robotsTxt lets crawlers read the catalogue, the workshops and the open data, and keeps
// them away from the verification pages, the certificates' files and the API.
const robotsTxt = `User-agent: *
Disallow: /*/verify/
Disallow: /*/verify?
Disallow: /verify/
Disallow: /certificates/
Disallow: /*/certificates/
Disallow: /api/
Allow: /
`

func serveRobots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.SendString(robotsTxt)
}
