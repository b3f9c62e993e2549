// Package upload takes images from members and staff: it checks that they
// are images by decoding them (never by name or Content-Type), refuses huge
// ones before decoding, turns JPEGs upright by their EXIF orientation, scales
// them down and re-encodes them, which drops every metadata block (GPS
// location included). The bytes are kept in the database under a random
// key; the URL with that key is the capability to see the image.
package upload

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/samtal-dev/samtal"
)

// Limits of an upload.
const (
	// MaxBytes is the largest file taken.
	MaxBytes = 8 << 20
	// MaxPixels is the most pixels an image may have; checked from the
	// header, before the image is decoded (40 MP take 160 MB decoded).
	MaxPixels = 40_000_000
	// MaxSide is the longest side of a stored image; larger ones are
	// scaled down.
	MaxSide = 2048
	// JPEGQuality of the re-encoded images.
	JPEGQuality = 85
)

// Upload is one stored image.
type Upload struct {
	Key           string
	OwnerPersonID int64
	Mime          string
	Width, Height int
	Bytes         []byte
	CreatedAt     time.Time
}

// URL is where the image is served.
func (u *Upload) URL() string { return "/uploads/" + u.Key }

// Store keeps uploads.
type Store interface {
	CreateUpload(ctx context.Context, u *Upload) error
	// UploadByKey returns an upload with its bytes; ENOTFOUND.
	UploadByKey(ctx context.Context, key string) (*Upload, error)
}

// Limiter counts attempts per key in a fixed window, across every node.
type Limiter interface {
	Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error)
}

// perPerson limits uploads: decoding is the most expensive thing a member
// can ask of the server.
var perPerson = struct {
	n      int
	window time.Duration
}{60, time.Hour}

// Service takes and serves uploads.
type Service struct {
	Store   Store
	Limiter Limiter
	// Parallel is how many images are decoded at once on this node (0: 2),
	// so that a burst of large uploads cannot take all memory.
	Parallel int
	Now      func() time.Time

	once sync.Once
	sem  chan struct{}
}

var (
	errTooLarge  = &samtal.Error{Code: samtal.ETOOLARGE, Message: "error.upload_too_large", Field: "file"}
	errNotImage  = &samtal.Error{Code: samtal.EINVALID, Message: "error.upload_not_image", Field: "file"}
	errTooBig    = &samtal.Error{Code: samtal.EINVALID, Message: "error.upload_too_many_pixels", Field: "file"}
	errNotFound  = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}
	errForbidden = &samtal.Error{Code: samtal.EFORBIDDEN, Message: "error.forbidden"}
)

// Create reads an image from r, processes it and stores it as the actor's.
// Returns EUNAUTHORIZED for visitors, ETOOLARGE over MaxBytes, EINVALID
// (field file) for anything that is not a JPEG, PNG, GIF or WebP image or
// has more than MaxPixels, and ERATELIMITED past the limit.
func (s *Service) Create(ctx context.Context, r io.Reader) (*Upload, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermContribute); err != nil {
		return nil, err
	}
	if a.PersonID == 0 {
		return nil, errForbidden
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		// The route's own body cap ends the read.
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errTooLarge
		}
		return nil, err
	}
	if len(data) > MaxBytes {
		return nil, errTooLarge
	}
	if s.Limiter != nil {
		ok, wait, err := s.Limiter.Allow(ctx, "upload:person:"+strconv.FormatInt(a.PersonID, 10), perPerson.n, perPerson.window)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &samtal.Error{Code: samtal.ERATELIMITED, Message: "error.rate_limited", RetryAfter: int(wait.Seconds()) + 1}
		}
	}
	s.once.Do(func() { s.sem = make(chan struct{}, max(1, cmpOr(s.Parallel, 2))) })
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	out, mime, w, h, err := Process(data)
	<-s.sem
	if err != nil {
		return nil, err
	}
	u := &Upload{Key: newKey(), OwnerPersonID: a.PersonID, Mime: mime, Width: w, Height: h, Bytes: out, CreatedAt: s.now()}
	if err := s.Store.CreateUpload(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Get returns an upload by its key. Anyone who has the key may see the
// image: the key is the capability. Returns ENOTFOUND.
func (s *Service) Get(ctx context.Context, key string) (*Upload, error) {
	if !ValidKey(key) {
		return nil, errNotFound
	}
	return s.Store.UploadByKey(ctx, key)
}

// newKey returns 128 random bits, URL-safe: unguessable, so the URL is the
// capability.
func newKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ValidKey reports whether key has the shape of an upload key.
func ValidKey(key string) bool {
	if len(key) != 22 {
		return false
	}
	for _, c := range key {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Process checks and re-encodes one image: JPEG (upright by its EXIF
// orientation), PNG, GIF (the first frame) or WebP in; JPEG out, or PNG
// when the image has transparency; at most MaxSide on the long side. What
// comes out carries no metadata of what went in.
func Process(data []byte) (out []byte, mime string, width, height int, err error) {
	if len(data) > MaxBytes {
		return nil, "", 0, 0, errTooLarge
	}
	// The header first: a small file can claim a huge image.
	cfg, format, err := decodeConfig(data)
	if err != nil {
		return nil, "", 0, 0, errNotImage
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, "", 0, 0, errTooBig
	}
	img, err := decode(data, format)
	if err != nil {
		return nil, "", 0, 0, errNotImage
	}
	if format == "jpeg" {
		img = Orient(img, Orientation(data))
	}
	img = fit(img, MaxSide)
	var buf bytes.Buffer
	if opaque(img) {
		err, mime = jpeg.Encode(&buf, img, &jpeg.Options{Quality: JPEGQuality}), "image/jpeg"
	} else {
		err, mime = png.Encode(&buf, img), "image/png"
	}
	if err != nil {
		return nil, "", 0, 0, err
	}
	b := img.Bounds()
	return buf.Bytes(), mime, b.Dx(), b.Dy(), nil
}

// decodeConfig reads the header of the four formats we take, chosen by
// their magic bytes, without the global decoder registry.
func decodeConfig(data []byte) (image.Config, string, error) {
	r := bytes.NewReader(data)
	switch format(data) {
	case "jpeg":
		c, err := jpeg.DecodeConfig(r)
		return c, "jpeg", err
	case "png":
		c, err := png.DecodeConfig(r)
		return c, "png", err
	case "gif":
		c, err := gif.DecodeConfig(r)
		return c, "gif", err
	case "webp":
		c, err := webp.DecodeConfig(r)
		return c, "webp", err
	}
	return image.Config{}, "", errors.New("not an image we take")
}

func decode(data []byte, format string) (image.Image, error) {
	r := bytes.NewReader(data)
	switch format {
	case "jpeg":
		return jpeg.Decode(r)
	case "png":
		return png.Decode(r)
	case "gif":
		return gif.Decode(r) // the first frame
	case "webp":
		return webp.Decode(r)
	}
	return nil, errors.New("not an image we take")
}

// format names the image format by its magic bytes, or "".
func format(b []byte) string {
	switch {
	case len(b) > 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a")):
		return "gif"
	case len(b) > 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}

// fit scales img down so that its long side is at most side.
func fit(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= side && h <= side {
		return img
	}
	if w >= h {
		w, h = side, max(1, h*side/w)
	} else {
		w, h = max(1, w*side/h), side
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// opaque reports whether img has no transparent pixel.
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xFFFF {
				return false
			}
		}
	}
	return true
}
