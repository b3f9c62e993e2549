package listening

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/listening/raw"
)

// WebhookSkew is how far a webhook call's timestamp may be from now.
const WebhookSkew = 5 * time.Minute

// HookItem is one item of a webhook call, as ../shared/API.md states it.
type HookItem struct {
	URL         string   `json:"url"`
	Title       string   `json:"title"`
	Text        string   `json:"text"`
	Author      string   `json:"author"`
	PublishedAt string   `json:"published_at"`
	Rating      *float64 `json:"rating"`
	ID          string   `json:"id"`
	Lang        string   `json:"lang"`
}

// MaxHookItems is how many items one webhook call may carry.
const MaxHookItems = 1000

// Sign returns the signature header value of a webhook call: HMAC-SHA256,
// keyed with the source's secret, of the timestamp, a dot and the body.
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Hook takes a signed webhook call for a source. The call is refused with
// EUNAUTHORIZED, storing nothing, when its timestamp is more than
// WebhookSkew off, its signature is wrong, or it was seen before (a
// replay). A body that does not parse gets EMALFORMED; an item that is not
// valid gets EINVALID naming it, and then no item is stored. It returns
// the ids of the mentions stored (items delivered before are not stored
// again). The caller is the signature: no actor is needed.
func (s *Service) Hook(ctx context.Context, sourceID int64, timestamp, signature string, body []byte) ([]int64, error) {
	src, err := s.Store.Source(ctx, sourceID)
	if err != nil {
		return nil, err
	}
	if src.Kind != KindWebhook {
		return nil, errNotFound
	}
	ts, err := strconv.ParseInt(strings.TrimSpace(timestamp), 10, 64)
	now := s.now()
	if err != nil || now.Sub(time.Unix(ts, 0)).Abs() > WebhookSkew {
		return nil, &samtal.Error{Code: samtal.EUNAUTHORIZED, Message: "error.webhook_timestamp"}
	}
	want := Sign(src.Secret, timestamp, body)
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(strings.TrimSpace(signature)))) {
		return nil, errSignature
	}
	if src.State == SourcePaused {
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.source_paused"}
	}
	items, err := decodeHook(body)
	if err != nil {
		return nil, err
	}
	if err := s.Store.RememberCall(ctx, sourceID, want, now, now.Add(-2*WebhookSkew)); err != nil {
		if samtal.ErrorCode(err) == samtal.ECONFLICT {
			return nil, &samtal.Error{Code: samtal.EUNAUTHORIZED, Message: "error.webhook_replay"}
		}
		return nil, err
	}
	res, err := s.Ingest(ctx, src, items)
	if err != nil {
		return nil, err
	}
	if res.IDs == nil {
		res.IDs = []int64{}
	}
	return res.IDs, nil
}

// decodeHook reads a webhook body into items, refusing the whole call if
// one item is not valid.
func decodeHook(body []byte) ([]raw.Item, error) {
	var in struct {
		Items []HookItem `json:"items"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, &samtal.Error{Code: samtal.EMALFORMED, Message: "error.body_malformed"}
	}
	if len(in.Items) == 0 || len(in.Items) > MaxHookItems {
		return nil, samtal.FieldError("items", "error.items_count_invalid")
	}
	out := make([]raw.Item, len(in.Items))
	for i, h := range in.Items {
		field := func(f string) string { return fmt.Sprintf("items[%d].%s", i, f) }
		if strings.TrimSpace(h.Text) == "" && strings.TrimSpace(h.Title) == "" {
			return nil, samtal.FieldError(field("text"), "error.text_required")
		}
		if h.URL != "" && !webURL(h.URL) {
			return nil, samtal.FieldError(field("url"), "error.url_invalid")
		}
		if h.Rating != nil && (*h.Rating < 0 || *h.Rating > 1) {
			return nil, samtal.FieldError(field("rating"), "error.rating_invalid")
		}
		it := raw.Item{ExternalID: h.ID, URL: h.URL, Title: h.Title, Text: h.Text, Author: h.Author, Rating: h.Rating, Lang: h.Lang}
		if h.PublishedAt != "" {
			t, err := time.Parse(time.RFC3339, h.PublishedAt)
			if err != nil {
				return nil, samtal.FieldError(field("published_at"), "error.date_invalid")
			}
			it.Published = t
		}
		out[i] = it
	}
	return out, nil
}
