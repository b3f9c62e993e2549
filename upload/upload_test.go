package upload

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/samtal-dev/samtal"
)

// halves returns a w×h image whose left half is red and right half blue.
func halves(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 0, 0, 255}
			if x >= w/2 {
				c = color.RGBA{0, 0, 255, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// exifBlock builds an APP1 EXIF segment with an orientation tag and a GPS
// IFD holding a latitude reference and a marker string, in byte order bo.
func exifBlock(bo binary.ByteOrder, orientation uint16) []byte {
	var t bytes.Buffer
	if bo == binary.LittleEndian {
		t.WriteString("II*\x00")
	} else {
		t.WriteString("MM\x00*")
	}
	w16 := func(v uint16) { binary.Write(&t, bo, v) }
	w32 := func(v uint32) { binary.Write(&t, bo, v) }
	w32(8) // IFD0 right after the header
	// IFD0: two entries, orientation and the GPS IFD pointer.
	w16(2)
	w16(0x0112)
	w16(3)
	w32(1)
	w16(orientation)
	w16(0)
	gpsOffset := uint32(8 + 2 + 2*12 + 4)
	w16(0x8825)
	w16(4)
	w32(1)
	w32(gpsOffset)
	w32(0) // no next IFD
	// GPS IFD: GPSLatitudeRef "N" and a GPSProcessingMethod-like marker.
	w16(2)
	w16(0x0001)
	w16(2)
	w32(2)
	t.WriteString("N\x00\x00\x00")
	markerOffset := gpsOffset + 2 + 2*12 + 4
	w16(0x001B)
	w16(7)
	w32(12)
	w32(markerOffset)
	w32(0)
	t.WriteString("GPS-SECRET-1")
	seg := append([]byte("Exif\x00\x00"), t.Bytes()...)
	out := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(out[2:], uint16(len(seg)+2))
	return append(out, seg...)
}

// jpegWithExif encodes img as a JPEG and puts an EXIF block after SOI.
func jpegWithExif(t *testing.T, img image.Image, app1 []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	return append(append(append([]byte{}, b[:2]...), app1...), b[2:]...)
}

func TestOrientationReader(t *testing.T) {
	img := halves(8, 8)
	for o := uint16(1); o <= 8; o++ {
		for _, bo := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
			if got := Orientation(jpegWithExif(t, img, exifBlock(bo, o))); got != int(o) {
				t.Errorf("Orientation(%v, %d) = %d", bo, o, got)
			}
		}
	}
	var plain bytes.Buffer
	jpeg.Encode(&plain, img, nil)
	for name, b := range map[string][]byte{
		"no exif":         plain.Bytes(),
		"not a jpeg":      []byte("hello, world"),
		"truncated":       jpegWithExif(t, img, exifBlock(binary.BigEndian, 6))[:20],
		"bad orientation": jpegWithExif(t, img, exifBlock(binary.BigEndian, 42)),
		"empty":           nil,
	} {
		if got := Orientation(b); got != 1 {
			t.Errorf("Orientation(%s) = %d, want 1", name, got)
		}
	}
}

// near reports whether c is about want (JPEG blurs colours a little).
func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, w uint8) bool { x := int(a>>8) - int(w); return x > -60 && x < 60 }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func TestProcessAppliesOrientationAndDropsEXIF(t *testing.T) {
	red, blue := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}
	in := jpegWithExif(t, halves(64, 32), exifBlock(binary.BigEndian, 6))
	if !bytes.Contains(in, []byte("GPS-SECRET-1")) {
		t.Fatal("test image lacks its GPS block")
	}
	out, mime, w, h, err := Process(in)
	if err != nil {
		t.Fatal(err)
	}
	if mime != "image/jpeg" || w != 32 || h != 64 {
		t.Fatalf("Process = %s %dx%d, want image/jpeg 32x64 (turned)", mime, w, h)
	}
	for _, bad := range []string{"Exif", "GPS-SECRET-1", "MM\x00*", "II*\x00"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("output still contains %q", bad)
		}
	}
	if Orientation(out) != 1 {
		t.Error("output still has an orientation")
	}
	img, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	// Turned clockwise: the left (red) half is now on top.
	if !near(img.At(16, 8), red) || !near(img.At(16, 56), blue) {
		t.Errorf("top %v, bottom %v: want red on top, blue below", img.At(16, 8), img.At(16, 56))
	}
}

func TestOrientAll(t *testing.T) {
	// A 2×1 image: A at (0,0), B at (1,0). Where do they go?
	a, b := color.RGBA{1, 0, 0, 255}, color.RGBA{2, 0, 0, 255}
	src := image.NewRGBA(image.Rect(0, 0, 2, 1))
	src.Set(0, 0, a)
	src.Set(1, 0, b)
	tests := []struct {
		o    int
		w, h int
		aAt  image.Point
		bAt  image.Point
	}{
		{1, 2, 1, image.Pt(0, 0), image.Pt(1, 0)},
		{2, 2, 1, image.Pt(1, 0), image.Pt(0, 0)},
		{3, 2, 1, image.Pt(1, 0), image.Pt(0, 0)},
		{4, 2, 1, image.Pt(0, 0), image.Pt(1, 0)},
		{5, 1, 2, image.Pt(0, 0), image.Pt(0, 1)},
		{6, 1, 2, image.Pt(0, 0), image.Pt(0, 1)},
		{7, 1, 2, image.Pt(0, 1), image.Pt(0, 0)},
		{8, 1, 2, image.Pt(0, 1), image.Pt(0, 0)},
	}
	for _, tt := range tests {
		got := Orient(src, tt.o)
		if got.Bounds().Dx() != tt.w || got.Bounds().Dy() != tt.h {
			t.Errorf("Orient(%d) size %v", tt.o, got.Bounds())
			continue
		}
		if got.At(tt.aAt.X, tt.aAt.Y) != a || got.At(tt.bAt.X, tt.bAt.Y) != b {
			t.Errorf("Orient(%d): A at %v is %v, B at %v is %v", tt.o, tt.aAt, got.At(tt.aAt.X, tt.aAt.Y), tt.bAt, got.At(tt.bAt.X, tt.bAt.Y))
		}
	}
}

// pngHeader returns a PNG that claims w×h pixels (its IHDR is valid, its
// data is not there): the check must refuse it before decoding.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8 bits, RGB
	binary.Write(&b, binary.BigEndian, uint32(13))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestProcessRefuses(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		code string
		msg  string
	}{
		{"text named .jpg", []byte("this is not a picture, just a text file with a .jpg name\n"), samtal.EINVALID, "error.upload_not_image"},
		{"empty", nil, samtal.EINVALID, "error.upload_not_image"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`), samtal.EINVALID, "error.upload_not_image"},
		{"bmp", append([]byte("BM"), make([]byte, 100)...), samtal.EINVALID, "error.upload_not_image"},
		{"too many pixels", pngHeader(10000, 5000), samtal.EINVALID, "error.upload_too_many_pixels"},
		{"zero pixels", pngHeader(0, 10), samtal.EINVALID, "error.upload_not_image"},
		{"jpeg header, broken body", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0}, samtal.EINVALID, "error.upload_not_image"},
		{"too large", make([]byte, MaxBytes+1), samtal.ETOOLARGE, "error.upload_too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, _, err := Process(tt.data)
			if samtal.ErrorCode(err) != tt.code || samtal.ErrorMessage(err) != tt.msg {
				t.Errorf("Process = %v, want %s %s", err, tt.code, tt.msg)
			}
		})
	}
}

func TestProcessFormats(t *testing.T) {
	// Transparency stays PNG; an opaque PNG becomes a JPEG.
	alpha := image.NewNRGBA(image.Rect(0, 0, 10, 10))
	alpha.Set(1, 1, color.NRGBA{0, 255, 0, 128})
	var b bytes.Buffer
	png.Encode(&b, alpha)
	if _, mime, _, _, err := Process(b.Bytes()); err != nil || mime != "image/png" {
		t.Errorf("transparent PNG: %s, %v", mime, err)
	}
	b.Reset()
	png.Encode(&b, halves(10, 10))
	if _, mime, _, _, err := Process(b.Bytes()); err != nil || mime != "image/jpeg" {
		t.Errorf("opaque PNG: %s, %v", mime, err)
	}

	// An animated GIF gives its first frame.
	pal := color.Palette{color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}}
	f1, f2 := image.NewPaletted(image.Rect(0, 0, 16, 16), pal), image.NewPaletted(image.Rect(0, 0, 16, 16), pal)
	for i := range f2.Pix {
		f2.Pix[i] = 1
	}
	b.Reset()
	if err := gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{f1, f2}, Delay: []int{10, 10}}); err != nil {
		t.Fatal(err)
	}
	out, mime, _, _, err := Process(b.Bytes())
	if err != nil || mime != "image/jpeg" {
		t.Fatalf("GIF: %s, %v", mime, err)
	}
	img, _ := jpeg.Decode(bytes.NewReader(out))
	if !near(img.At(8, 8), color.RGBA{255, 0, 0, 255}) {
		t.Errorf("GIF: got %v, want the red first frame", img.At(8, 8))
	}

	// Large images are scaled down to MaxSide on the long side.
	b.Reset()
	png.Encode(&b, halves(3000, 1000))
	if _, _, w, h, err := Process(b.Bytes()); err != nil || w != MaxSide || h != 682 {
		t.Errorf("large: %dx%d, %v", w, h, err)
	}
}

func TestValidKey(t *testing.T) {
	k := newKey()
	if !ValidKey(k) || ValidKey(k+"x") || ValidKey("../../etc/passwd....") || ValidKey("") {
		t.Errorf("ValidKey wrong for %q", k)
	}
	if newKey() == k {
		t.Error("two keys alike")
	}
}
