package web

import (
	"net/http"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/idea"
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
		{"POST", "/ideas/{id}/merge", pageRoute, samtal.PermModerate, s.ideaMerge},
		{"POST", "/merges/{id}/undo", pageRoute, samtal.PermModerate, s.mergeUndo},
		{"POST", "/ideas/{id}/notes", pageRoute, idea.PermStaffNotes, s.ideaNote},
		{"GET", "/roadmap", pageRoute, anyone, s.roadmap},
		{"GET", "/campaigns/{slug}/roadmap", pageRoute, anyone, s.campaignRoadmap},
		{"GET", "/me/contributions", pageRoute, samtal.PermContribute, s.myContributions},
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
		{"POST", "/api/v1/ideas/{id}/merge", apiRoute, samtal.PermModerate, s.apiMergeIdea},
		{"POST", "/api/v1/merges/{id}/undo", apiRoute, samtal.PermModerate, s.apiUndoMerge},
		{"GET", "/api/v1/roadmap", apiRoute, anyone, s.apiRoadmap},
		{"GET", "/api/v1/me/contributions", apiRoute, samtal.PermContribute, s.apiContributions},
		{"GET", "/api/v1/ideas/{id}/notes", apiRoute, idea.PermStaffNotes, s.apiNotes},
		{"POST", "/api/v1/ideas/{id}/notes", apiRoute, idea.PermStaffNotes, s.apiCreateNote},

		// Moderation: reports, the queue, hiding and approving, the author's
		// request for another look, and editing and deleting ideas.
		{"GET", "/moderation", pageRoute, samtal.PermModerate, s.moderationPage},
		{"POST", "/moderation/{target}/hide", pageRoute, samtal.PermModerate, s.moderationHide},
		{"POST", "/moderation/{target}/approve", pageRoute, samtal.PermModerate, s.moderationApprove},
		{"POST", "/moderation/{target}/review", pageRoute, samtal.PermContribute, s.moderationAskAgain},
		{"GET", "/reports/new", pageRoute, samtal.PermContribute, s.reportForm},
		{"POST", "/reports", pageRoute, samtal.PermContribute, s.reportCreate},
		{"GET", "/ideas/{id}/edit", pageRoute, samtal.PermContribute, s.ideaEditForm},
		{"POST", "/ideas/{id}/edit", pageRoute, samtal.PermContribute, s.ideaEdit},
		{"POST", "/ideas/{id}/delete", pageRoute, samtal.PermContribute, s.ideaDelete},
		{"POST", "/comments/{id}/edit", pageRoute, samtal.PermContribute, s.commentEdit},
		{"POST", "/api/v1/reports", apiRoute, samtal.PermContribute, s.apiCreateReport},
		{"GET", "/api/v1/moderation/queue", apiRoute, samtal.PermModerate, s.apiModerationQueue},
		{"POST", "/api/v1/moderation/{target}/hide", apiRoute, samtal.PermModerate, s.apiHide},
		{"POST", "/api/v1/moderation/{target}/approve", apiRoute, samtal.PermModerate, s.apiApprove},
		{"POST", "/api/v1/moderation/{target}/review", apiRoute, samtal.PermContribute, s.apiAskAgain},
		{"PATCH", "/api/v1/ideas/{id}", apiRoute, samtal.PermContribute, s.apiUpdateIdea},
		{"DELETE", "/api/v1/ideas/{id}", apiRoute, samtal.PermContribute, s.apiDeleteIdea},

		{"POST", "/ideas/{id}/follow", pageRoute, samtal.PermContribute, s.ideaFollow},
		{"POST", "/ideas/{id}/unfollow", pageRoute, samtal.PermContribute, s.ideaUnfollow},
		{"GET", "/notifications", pageRoute, samtal.PermUseAccount, s.notificationsPage},
		{"POST", "/notifications/read", pageRoute, samtal.PermUseAccount, s.notificationsRead},
		{"POST", "/settings/notifications", pageRoute, samtal.PermUseAccount, s.settingsNotifications},
		{"POST", "/settings/handle", pageRoute, samtal.PermUseAccount, s.settingsHandle},
		{"GET", "/unsubscribe/{token}", pageRoute, anyone, s.unsubscribeForm},
		// Mail clients post the one-click unsubscribe without a CSRF token
		// (RFC 8058): the only route of its kind.
		{"POST", "/unsubscribe/{token}", oneClickRoute, anyone, s.unsubscribe},
		{"POST", "/api/v1/ideas/{id}/follow", apiRoute, samtal.PermContribute, s.apiFollow},
		{"DELETE", "/api/v1/ideas/{id}/follow", apiRoute, samtal.PermContribute, s.apiUnfollow},
		{"GET", "/api/v1/notifications", apiRoute, samtal.PermUseAccount, s.apiNotifications},
		{"POST", "/api/v1/notifications/read", apiRoute, samtal.PermUseAccount, s.apiNotificationsRead},

		// Campaign management, invitations and uploads. /uploads/{key} is
		// served like an ops route: no session lookup, the key is the
		// capability (docs/design.md).
		{"GET", "/uploads/{key}", opsRoute, anyone, s.uploadServe},
		{"GET", "/admin/campaigns", pageRoute, samtal.PermManageCampaigns, s.adminCampaigns},
		{"GET", "/admin/campaigns/new", pageRoute, samtal.PermManageCampaigns, s.adminCampaignNew},
		{"POST", "/admin/campaigns", pageRoute, samtal.PermManageCampaigns, s.adminCampaignCreate},
		{"GET", "/admin/campaigns/{id}", pageRoute, samtal.PermManageCampaigns, s.adminCampaignEdit},
		{"POST", "/admin/campaigns/{id}", pageRoute, samtal.PermManageCampaigns, s.adminCampaignUpdate},
		{"POST", "/admin/campaigns/{id}/questions", pageRoute, samtal.PermManageCampaigns, s.adminQuestionAdd},
		{"POST", "/admin/campaigns/{id}/questions/{qid}", pageRoute, samtal.PermManageCampaigns, s.adminQuestion},
		{"POST", "/admin/campaigns/{id}/invites", pageRoute, samtal.PermManageCampaigns, s.adminInvite},
		{"POST", "/admin/campaigns/{id}/invites/remove", pageRoute, samtal.PermManageCampaigns, s.adminUninvite},
		{"GET", "/api/v1/campaigns", apiRoute, anyone, s.apiCampaigns},
		{"POST", "/api/v1/campaigns", apiRoute, samtal.PermManageCampaigns, s.apiCreateCampaign},
		{"GET", "/api/v1/campaigns/{id}", apiRoute, anyone, s.apiCampaign},
		{"PATCH", "/api/v1/campaigns/{id}", apiRoute, samtal.PermManageCampaigns, s.apiUpdateCampaign},
		{"GET", "/api/v1/campaigns/{id}/questions", apiRoute, anyone, s.apiQuestions},
		{"POST", "/api/v1/campaigns/{id}/questions", apiRoute, samtal.PermManageCampaigns, s.apiAddQuestion},
		{"POST", "/api/v1/uploads", apiRoute, samtal.PermContribute, s.apiCreateUpload},
		{"GET", "/api/v1/search", apiRoute, anyone, s.apiSearch},
	}
}
