package web

import (
	"net/http"
	"strconv"

	"github.com/samtal-dev/samtal"
)

// A person's archive and erasure (privacy.Service): the member's own from
// the settings and the API; anyone's for an admin answering a request.

// Who is how a page names an author: their name, or "a former member" for
// a person who was erased (their name is empty).
func (v *view) Who(name string) string {
	if name == "" {
		return v.T("person.former_member")
	}
	return name
}

// subjectID reads the {id} of the path; an id that is no number is a person
// that does not exist.
func subjectID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}
	}
	return id, nil
}

// sendArchive streams the archive of person id as the answer: the zip is
// written to the connection as it is made, never held whole. An error
// before the first byte answers as the route's kind answers; one after it
// cuts the connection, so that a client never takes a cut archive for a
// whole one.
func (s *Server) sendArchive(w http.ResponseWriter, r *http.Request, kind string, id int64) {
	a, err := s.Privacy.Export(r.Context(), id)
	if err != nil {
		s.fail(route{Kind: kind}, w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", `attachment; filename="`+a.Filename()+`"`)
	// Personal data: no cache keeps it, and no Idempotency-Key answer
	// either (idempotent keeps no answer marked no-store).
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := a.WriteTo(w); err != nil {
		s.Log.Warn("archive cut off", "request_id", requestID(r), "person", id, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// settingsExport is the member's own archive, from the settings.
func (s *Server) settingsExport(w http.ResponseWriter, r *http.Request) {
	s.sendArchive(w, r, pageRoute, stateOf(r).actor.PersonID)
}

// settingsErase erases the member who asks, after their password and a
// tick that they understood; they are signed out.
func (s *Server) settingsErase(w http.ResponseWriter, r *http.Request) {
	var err error
	if r.PostForm.Get("confirm") != "yes" {
		err = samtal.FieldError("confirm", "privacy.error_confirm")
	} else {
		err = s.Privacy.Erase(r.Context(), stateOf(r).actor.PersonID, r.PostForm.Get("password"))
	}
	if err != nil {
		s.settingsResult(w, r, err, "")
		return
	}
	s.clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/?flash=flash.erased", http.StatusSeeOther)
}

// personPrivacyPage is the admin's page for a request about a person: the
// archive, and erasure.
func (s *Server) personPrivacyPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.personPrivacyView(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "person_privacy", v)
}

func (s *Server) personPrivacyView(r *http.Request) (*view, error) {
	id, err := subjectID(r)
	if err != nil {
		return nil, err
	}
	sub, err := s.Privacy.Subject(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := s.view(r, "privacy.staff_title")
	v.Data = sub
	return v, nil
}

// personExport is the archive of a person, for an admin answering a request.
func (s *Server) personExport(w http.ResponseWriter, r *http.Request) {
	id, err := subjectID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.sendArchive(w, r, pageRoute, id)
}

// personErase erases a person for a request; the admin ticks that they
// mean it.
func (s *Server) personErase(w http.ResponseWriter, r *http.Request) {
	id, err := subjectID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	if r.PostForm.Get("confirm") != "yes" {
		err = samtal.FieldError("confirm", "privacy.error_confirm")
	} else {
		err = s.Privacy.Erase(r.Context(), id, "")
	}
	if err != nil {
		v, verr := s.personPrivacyView(r)
		if verr != nil {
			s.pageFail(w, r, verr)
			return
		}
		s.formError(w, r, "person_privacy", v, err)
		return
	}
	http.Redirect(w, r, "/admin/people/"+strconv.FormatInt(id, 10)+"/privacy?flash=flash.person_erased", http.StatusSeeOther)
}

// apiPersonExport answers with the archive itself, a zip, streamed.
func (s *Server) apiPersonExport(w http.ResponseWriter, r *http.Request) {
	id, err := subjectID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.sendArchive(w, r, apiRoute, id)
}

// apiPersonErase erases a person: a member themselves with
// {"password": …}, an admin anyone without one.
func (s *Server) apiPersonErase(w http.ResponseWriter, r *http.Request) {
	id, err := subjectID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in struct {
		Password string `json:"password"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			s.apiFail(w, r, err)
			return
		}
	}
	if err := s.Privacy.Erase(r.Context(), id, in.Password); err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": apiID(id), "erased": true})
}
