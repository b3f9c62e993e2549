package web

import (
	"net/http"

	"github.com/samtal-dev/samtal"
)

// The kinds of route: pages answer HTML and check CSRF on POST; API routes
// answer JSON and take bearer tokens; ops routes are for probes and scrapers.
const (
	pageRoute = "page"
	apiRoute  = "api"
	opsRoute  = "ops"
)

// route is one line of the route table: who may call it is part of the line,
// so that the permission of every route can be read (and tested) in one place.
type route struct {
	Method  string
	Path    string
	Kind    string
	Perm    samtal.Permission // "" means anyone, signed in or not
	Handler http.HandlerFunc
}

// Routes returns the route table (for tests and the OpenAPI check).
func (s *Server) Routes() []route { return s.routes() }

func (s *Server) routes() []route {
	const anyone = samtal.Permission("")
	return []route{
		{"GET", "/healthz", opsRoute, anyone, s.healthz},
		{"GET", "/readyz", opsRoute, anyone, s.readyz},
		{"GET", "/metrics", opsRoute, anyone, s.metrics},

		{"GET", "/{$}", pageRoute, anyone, s.home},
		{"GET", "/campaigns/{slug}", pageRoute, anyone, s.campaignIdeasPage},
		{"GET", "/campaigns/{slug}/ideas/new", pageRoute, samtal.PermContribute, s.ideaNewForm},
		{"POST", "/campaigns/{slug}/ideas", pageRoute, samtal.PermContribute, s.ideaCreate},
		{"GET", "/ideas/{id}", pageRoute, anyone, s.ideaPage},
		{"POST", "/ideas/{id}/vote", pageRoute, samtal.PermContribute, s.ideaVote},
		{"POST", "/ideas/{id}/unvote", pageRoute, samtal.PermContribute, s.ideaUnvote},
		{"POST", "/ideas/{id}/status", pageRoute, samtal.PermModerate, s.ideaStatus},
		{"POST", "/ideas/{id}/comments", pageRoute, samtal.PermContribute, s.commentCreate},
		{"POST", "/comments/{id}/delete", pageRoute, samtal.PermContribute, s.commentDelete},
		{"POST", "/lang", pageRoute, anyone, s.switchLanguage},
		{"GET", "/search", pageRoute, anyone, s.searchPage},
		{"GET", "/campaigns/{slug}/ideas/similar", pageRoute, samtal.PermContribute, s.similarIdeas},

		{"GET", "/signin", pageRoute, anyone, s.signInForm},
		{"POST", "/signin", pageRoute, anyone, s.signIn},
		{"GET", "/signup", pageRoute, anyone, s.signUpForm},
		{"POST", "/signup", pageRoute, anyone, s.signUp},
		{"POST", "/signout", pageRoute, samtal.PermUseAccount, s.signOut},
		{"GET", "/verify/{token}", pageRoute, anyone, s.verifyForm},
		{"POST", "/verify/{token}", pageRoute, anyone, s.verify},
		{"GET", "/reset", pageRoute, anyone, s.resetRequestForm},
		{"POST", "/reset", pageRoute, anyone, s.resetRequest},
		{"GET", "/reset/{token}", pageRoute, anyone, s.resetForm},
		{"POST", "/reset/{token}", pageRoute, anyone, s.reset},
		{"GET", "/signin/link/{token}", pageRoute, anyone, s.linkForm},
		{"POST", "/signin/link/{token}", pageRoute, anyone, s.linkSignIn},

		{"GET", "/settings", pageRoute, samtal.PermUseAccount, s.settings},
		{"POST", "/settings/profile", pageRoute, samtal.PermUseAccount, s.settingsProfile},
		{"POST", "/settings/password", pageRoute, samtal.PermUseAccount, s.settingsPassword},
		{"POST", "/settings/tokens", pageRoute, samtal.PermUseAccount, s.settingsTokenCreate},
		{"POST", "/settings/tokens/{id}/revoke", pageRoute, samtal.PermUseAccount, s.settingsTokenRevoke},

		{"GET", "/admin", pageRoute, samtal.PermViewStaffArea, s.adminHome},
		{"GET", "/admin/accounts", pageRoute, samtal.PermManageAccounts, s.adminAccounts},
		{"POST", "/admin/accounts/{id}/role", pageRoute, samtal.PermManageAccounts, s.adminAccountRole},
		{"GET", "/admin/audit", pageRoute, samtal.PermReadAudit, s.adminAudit},
		{"GET", "/admin/outbox", pageRoute, samtal.PermReadOutbox, s.adminOutbox},

		{"GET", "/api/v1/openapi.json", apiRoute, anyone, s.openAPI},
		{"GET", "/api/v1/me", apiRoute, samtal.PermUseAccount, s.apiMe},
		{"PATCH", "/api/v1/me", apiRoute, samtal.PermUseAccount, s.apiUpdateMe},
		{"GET", "/api/v1/ideas", apiRoute, anyone, s.apiIdeas},
		{"POST", "/api/v1/ideas", apiRoute, samtal.PermContribute, s.apiCreateIdea},
		{"GET", "/api/v1/ideas/{id}", apiRoute, anyone, s.apiIdea},
		{"POST", "/api/v1/ideas/{id}/vote", apiRoute, samtal.PermContribute, s.apiVote},
		{"DELETE", "/api/v1/ideas/{id}/vote", apiRoute, samtal.PermContribute, s.apiUnvote},
		{"POST", "/api/v1/ideas/{id}/status", apiRoute, samtal.PermModerate, s.apiIdeaStatus},
		{"GET", "/api/v1/ideas/{id}/comments", apiRoute, anyone, s.apiComments},
		{"POST", "/api/v1/ideas/{id}/comments", apiRoute, samtal.PermContribute, s.apiCreateComment},
		{"GET", "/api/v1/comments/{id}", apiRoute, anyone, s.apiComment},
		{"PATCH", "/api/v1/comments/{id}", apiRoute, samtal.PermContribute, s.apiEditComment},
		{"DELETE", "/api/v1/comments/{id}", apiRoute, samtal.PermContribute, s.apiDeleteComment},
		{"POST", "/api/v1/comments/{id}/replies", apiRoute, samtal.PermContribute, s.apiReply},
		{"GET", "/api/v1/search", apiRoute, anyone, s.apiSearch},
	}
}
