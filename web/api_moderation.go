package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/moderation"
)

// The moderation part of the JSON API: reports, the moderators' queue and
// their actions, the author's request for another look, and editing and
// deleting ideas.

// apiReport is a report as the API shows it (to its reporter, once).
type apiReport struct {
	ID        string `json:"id"`
	Target    string `json:"target"`
	Reason    string `json:"reason"`
	Text      string `json:"text"`
	Status    string `json:"status"`
	CreatedAt string `json:"created_at"`
}

func (s *Server) apiCreateReport(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Target string `json:"target"`
		Reason string `json:"reason"`
		Text   string `json:"text"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	rep, err := s.Moderation.Report(r.Context(), in.Target, in.Reason, in.Text)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, apiReport{
		ID: apiID(rep.ID), Target: rep.Target.String(), Reason: rep.Reason, Text: rep.Text, Status: rep.Status,
		CreatedAt: rep.CreatedAt.UTC().Format(time.RFC3339),
	})
}

// apiReasonCount is how many open reports give one reason.
type apiReasonCount struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

// apiQueueItem is one entry of the moderators' queue.
type apiQueueItem struct {
	Target           string           `json:"target"`
	IdeaID           string           `json:"idea_id"`
	IdeaTitle        string           `json:"idea_title"`
	Body             string           `json:"body"`
	AuthorPersonID   string           `json:"author_person_id"`
	AuthorName       string           `json:"author_name"`
	Moderation       string           `json:"moderation"`
	ModerationReason string           `json:"moderation_reason"`
	Since            string           `json:"since"`
	Reports          int              `json:"reports"`
	Reasons          []apiReasonCount `json:"reasons"`
	Texts            []string         `json:"texts"`
}

func toAPIQueueItem(it moderation.Item) apiQueueItem {
	out := apiQueueItem{
		Target: it.Target.String(), IdeaID: apiID(it.IdeaID), IdeaTitle: it.IdeaTitle, Body: it.Body,
		AuthorPersonID: apiID(it.AuthorPersonID), AuthorName: it.AuthorName, Moderation: it.Moderation,
		ModerationReason: it.ModerationReason, Since: it.Since.UTC().Format(time.RFC3339), Reports: it.Reports,
		Reasons: make([]apiReasonCount, 0, len(it.Reasons)), Texts: it.Texts,
	}
	for _, rc := range it.Reasons {
		out.Reasons = append(out.Reasons, apiReasonCount{Reason: rc.Reason, Count: rc.Count})
	}
	if out.Texts == nil {
		out.Texts = []string{}
	}
	return out
}

func (s *Server) apiModerationQueue(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := apiOffsetPage(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	list, err := s.Moderation.Queue(r.Context(), limit, offset)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiList[apiQueueItem]{Items: make([]apiQueueItem, 0, len(list))}
	for _, it := range list {
		out.Items = append(out.Items, toAPIQueueItem(it))
	}
	if len(list) == limit {
		out.Next = strconv.Itoa(offset + limit)
	}
	writeJSON(w, http.StatusOK, out)
}

// apiTargetState is what a moderation action answers: the target's state
// as the caller now sees it.
type apiTargetState struct {
	Target           string `json:"target"`
	Moderation       string `json:"moderation"`
	ModerationReason string `json:"moderation_reason"`
}

// apiModerationAction reads {"reason": …} (optional for some actions),
// calls act and answers the target's new state.
func (s *Server) apiModerationAction(w http.ResponseWriter, r *http.Request, act func(r *http.Request, target, reason string) error) {
	var in struct {
		Reason string `json:"reason"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			s.apiFail(w, r, err)
			return
		}
	}
	target := r.PathValue("target")
	if err := act(r, target, in.Reason); err != nil {
		s.apiFail(w, r, err)
		return
	}
	t, _ := moderation.ParseTarget(target)
	out := apiTargetState{Target: t.String()}
	if t.Kind == moderation.KindIdea {
		i, err := s.Ideas.Get(r.Context(), t.ID)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		out.Moderation, out.ModerationReason = i.Moderation, i.ModerationReason
	} else {
		c, err := s.Ideas.Comment(r.Context(), t.ID)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		out.Moderation, out.ModerationReason = c.Moderation, c.ModerationReason
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiHide(w http.ResponseWriter, r *http.Request) {
	s.apiModerationAction(w, r, func(r *http.Request, target, reason string) error {
		return s.Moderation.Hide(r.Context(), target, reason)
	})
}

func (s *Server) apiApprove(w http.ResponseWriter, r *http.Request) {
	s.apiModerationAction(w, r, func(r *http.Request, target, reason string) error {
		return s.Moderation.Approve(r.Context(), target, reason)
	})
}

func (s *Server) apiAskAgain(w http.ResponseWriter, r *http.Request) {
	s.apiModerationAction(w, r, func(r *http.Request, target, _ string) error {
		return s.Moderation.AskAgain(r.Context(), target)
	})
}

// apiUpdateIdea changes the fields given: title, body, tags.
func (s *Server) apiUpdateIdea(w http.ResponseWriter, r *http.Request) {
	id, err := ideaID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in struct {
		Title *string   `json:"title"`
		Body  *string   `json:"body"`
		Tags  *[]string `json:"tags"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	i, err := s.Ideas.Update(r.Context(), id, idea.IdeaChanges{Title: in.Title, Body: in.Body, Tags: in.Tags})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIIdea(i))
}

func (s *Server) apiDeleteIdea(w http.ResponseWriter, r *http.Request) {
	id, err := ideaID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if err := s.Ideas.Delete(r.Context(), id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
