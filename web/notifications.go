package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/notify"
)

// Following an idea, the notifications page and API, the notification
// settings and the unsubscribe link of notification mails.

// oneClickRoute is a page route whose POST needs no CSRF token: the
// RFC 8058 one-click unsubscribe, which a mail client posts without any
// page of ours. It is the only such route (TestOnlyOneClickSkipsCSRF); the
// secret in its path is what authorises it.
const oneClickRoute = "oneclick"

// notificationsPerPage is how many notifications a page lists.
const notificationsPerPage = 30

// ideaFollow and ideaUnfollow answer the follow button of the idea page.
func (s *Server) ideaFollow(w http.ResponseWriter, r *http.Request)   { s.followForm(w, r, true) }
func (s *Server) ideaUnfollow(w http.ResponseWriter, r *http.Request) { s.followForm(w, r, false) }

func (s *Server) followForm(w http.ResponseWriter, r *http.Request, following bool) {
	id, err := ideaID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	if err := s.Notify.Follow(r.Context(), id, following); err != nil {
		s.pageFail(w, r, err)
		return
	}
	flash := "flash.followed"
	if !following {
		flash = "flash.unfollowed"
	}
	http.Redirect(w, r, "/ideas/"+strconv.FormatInt(id, 10)+"?flash="+flash+"#follow", http.StatusSeeOther)
}

// followBox is what the "follow" partial shows.
type followBox struct {
	V         *view
	IdeaID    int64
	Following bool
}

// FollowBox bundles what the "follow" partial needs.
func (v *view) FollowBox(ideaID int64, following bool) followBox {
	return followBox{V: v, IdeaID: ideaID, Following: following}
}

// notificationItem is one notification as the page and the API show it.
type notificationItem struct {
	*notify.Notification
	Text   string
	Detail string
	Link   string
}

func (s *Server) notificationItems(lang string, list []*notify.Notification) []notificationItem {
	out := make([]notificationItem, len(list))
	for k, n := range list {
		out[k] = notificationItem{Notification: n, Text: s.Notify.Text(lang, n), Detail: notify.Detail(n), Link: notify.Link(n)}
	}
	return out
}

// notificationsData is what notifications.html shows.
type notificationsData struct {
	Items  []notificationItem
	Unread int
	More   string
}

func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request) {
	before, err := optionalInt(r.URL.Query(), "before")
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	list, err := s.Notify.List(r.Context(), before, notificationsPerPage+1)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v := s.view(r, "notifications.title")
	d := &notificationsData{}
	if len(list) > notificationsPerPage {
		list = list[:notificationsPerPage]
		d.More = "/notifications?before=" + strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	d.Items = s.notificationItems(v.Lang, list)
	if v.Account != nil {
		d.Unread = v.Account.Unread
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "notifications", v)
}

// notificationsRead marks all notifications read, or the one of "id".
func (s *Server) notificationsRead(w http.ResponseWriter, r *http.Request) {
	var ids []int64
	if v := r.PostForm.Get("id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.pageFail(w, r, samtal.FieldError("id", "error.number_invalid"))
			return
		}
		ids = []int64{id}
	}
	if _, err := s.Notify.MarkRead(r.Context(), ids); err != nil {
		s.pageFail(w, r, err)
		return
	}
	if next := r.PostForm.Get("next"); next != "" {
		http.Redirect(w, r, localPath(next), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/notifications?flash=flash.marked_read", http.StatusSeeOther)
}

// apiNotification is a notification as the API shows it.
type apiNotification struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	IdeaID    string `json:"idea_id"`
	CommentID string `json:"comment_id"`
	ActorID   string `json:"actor_person_id"`
	Text      string `json:"text"`
	Detail    string `json:"detail"`
	URL       string `json:"url"`
	Read      bool   `json:"read"`
	CreatedAt string `json:"created_at"`
}

func (s *Server) apiNotifications(w http.ResponseWriter, r *http.Request) {
	limit, _, err := apiPage(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	// The cursor is the id of the last notification seen: new ones
	// arriving meanwhile do not shift the pages.
	var before int64
	if c := r.URL.Query().Get("cursor"); c != "" {
		if before, err = strconv.ParseInt(c, 10, 64); err != nil || before <= 0 {
			s.apiFail(w, r, samtal.FieldError("cursor", "error.cursor_invalid"))
			return
		}
	}
	list, err := s.Notify.List(r.Context(), before, limit+1)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := struct {
		apiList[apiNotification]
		Unread int `json:"unread"`
	}{apiList: apiList[apiNotification]{Items: make([]apiNotification, 0, len(list))}}
	if len(list) > limit {
		list = list[:limit]
		out.Next = strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	for _, it := range s.notificationItems(langOf(r), list) {
		out.Items = append(out.Items, apiNotification{
			ID: apiID(it.ID), Kind: it.Kind, IdeaID: apiID(it.IdeaID), CommentID: apiID(it.CommentID),
			ActorID: apiID(it.ActorPersonID), Text: it.Text, Detail: it.Detail, URL: s.BaseURL + it.Link,
			Read: it.Read(), CreatedAt: it.CreatedAt.UTC().Format(time.RFC3339),
		})
	}
	if out.Unread, err = s.Notify.Unread(r.Context()); err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// apiNotificationsRead marks {"ids":[…]} read, or all of them for {}.
func (s *Server) apiNotificationsRead(w http.ResponseWriter, r *http.Request) {
	var in struct {
		IDs *[]string `json:"ids"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var ids []int64
	if in.IDs != nil {
		ids = make([]int64, 0, len(*in.IDs))
		for _, v := range *in.IDs {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				s.apiFail(w, r, samtal.FieldError("ids", "error.number_invalid"))
				return
			}
			ids = append(ids, id)
		}
	}
	n, err := s.Notify.MarkRead(r.Context(), ids)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	unread, err := s.Notify.Unread(r.Context())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"marked": n, "unread": unread})
}

func (s *Server) apiFollow(w http.ResponseWriter, r *http.Request)   { s.apiSetFollow(w, r, true) }
func (s *Server) apiUnfollow(w http.ResponseWriter, r *http.Request) { s.apiSetFollow(w, r, false) }

func (s *Server) apiSetFollow(w http.ResponseWriter, r *http.Request, following bool) {
	id, err := ideaID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if err := s.Notify.Follow(r.Context(), id, following); err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"idea_id": apiID(id), "following": following})
}

// settingsNotifications saves which notification mails the member wants,
// and keeps the idea_emails consent with it: choosing mail gives consent
// with the text the page showed, choosing none withdraws it.
func (s *Server) settingsNotifications(w http.ResponseWriter, r *http.Request) {
	choice := r.PostForm.Get("notify_email")
	err := s.Accounts.ChangeNotifyEmail(r.Context(), choice)
	if err == nil && s.Consents != nil {
		var textID int64
		if textID, err = optionalID(r.PostForm.Get("consent_text_id"), "consent_text_id"); err == nil {
			err = s.Consents.MailChoice(r.Context(), choice != account.NotifyOff, textID, langOf(r))
		}
	}
	s.settingsResult(w, r, err, "flash.saved")
}

// settingsHandle changes the member's @handle.
func (s *Server) settingsHandle(w http.ResponseWriter, r *http.Request) {
	err := s.Accounts.ChangeHandle(r.Context(), r.PostForm.Get("handle"))
	s.settingsResult(w, r, err, "flash.saved")
}

// unsubscribeForm shows the button; opening the link changes nothing, so
// that mail scanners following links do not unsubscribe anyone.
func (s *Server) unsubscribeForm(w http.ResponseWriter, r *http.Request) {
	if err := s.Notify.CheckUnsubscribe(r.Context(), r.PathValue("token")); err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.confirmPage(w, r, "unsubscribe.title", "unsubscribe.message", "unsubscribe.button")
}

// unsubscribe turns notification mail off: from our button, or posted by a
// mail client (RFC 8058) without a session or a CSRF token.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) {
	if err := s.Notify.Unsubscribe(r.Context(), r.PathValue("token")); err != nil {
		s.pageFail(w, r, err)
		return
	}
	v := s.view(r, "unsubscribe.title")
	v.Data = map[string]any{"Message": "unsubscribe.done"}
	s.render(w, r, http.StatusOK, "message", v)
}

// unreadLabel is the header's count, "99+" past 99.
func unreadLabel(n int) string {
	if n > 99 {
		return "99+"
	}
	return strconv.Itoa(n)
}

// Unread is the signed-in account's unread count for the header, read with
// the session (accounts.notify_unread): it costs no query.
func (v *view) Unread() string {
	if v.Account == nil || v.Account.Unread <= 0 {
		return ""
	}
	return unreadLabel(v.Account.Unread)
}
