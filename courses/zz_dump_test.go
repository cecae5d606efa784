package courses

import (
	"fmt"
	"os"
	"testing"

	"github.com/masar-platform/masar/content"
)

func TestZZDump(t *testing.T) {
	cat, ps := Load(content.FS)
	fmt.Println(len(ps))
	c, _ := cat.Course(os.Getenv("C"))
	v, fb := c.Lesson(os.Getenv("L"), os.Getenv("LANG2"))
	fmt.Println(fb, v.Title, v.Minutes, v.Words, v.Headings)
	fmt.Println(v.HTML)
}
