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
		// Idea merges need PermModerate, person merges PermEditPeople: the
		// route lets in both, the handler's services check per kind.
		{"POST", "/merges/{id}/undo", pageRoute, samtal.PermEditPeople, s.mergeUndo},
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
		{"POST", "/api/v1/merges/{id}/undo", apiRoute, samtal.PermEditPeople, s.apiUndoMerge},
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

		// Advocates and briefings (advocates.go): staff who read people see
		// candidates, the group and briefings with their recipients; staff
		// who edit people invite, remove, write and send. Any account opens
		// /briefings: the service shows a member their invitation, and
		// briefings only to advocates (404 for the rest).
		{"GET", "/admin/advocates", pageRoute, samtal.PermViewPeople, s.adminAdvocates},
		{"POST", "/admin/advocates", pageRoute, samtal.PermEditPeople, s.adminAdvocateInvite},
		{"POST", "/admin/advocates/{id}/remove", pageRoute, samtal.PermEditPeople, s.adminAdvocateRemove},
		{"GET", "/admin/briefings", pageRoute, samtal.PermViewPeople, s.adminBriefings},
		{"POST", "/admin/briefings", pageRoute, samtal.PermEditPeople, s.adminBriefingCreate},
		{"GET", "/admin/briefings/{id}", pageRoute, samtal.PermViewPeople, s.adminBriefing},
		{"POST", "/admin/briefings/{id}", pageRoute, samtal.PermEditPeople, s.adminBriefingUpdate},
		{"POST", "/admin/briefings/{id}/send", pageRoute, samtal.PermEditPeople, s.adminBriefingSend},
		{"GET", "/briefings", pageRoute, samtal.PermUseAccount, s.briefingsPage},
		{"GET", "/briefings/{id}", pageRoute, samtal.PermUseAccount, s.briefingPage},
		{"POST", "/advocates/answer", pageRoute, samtal.PermUseAccount, s.advocateAnswer},
		{"GET", "/briefings/unsubscribe/{token}", pageRoute, anyone, s.briefingUnsubscribeForm},
		{"POST", "/briefings/unsubscribe/{token}", pageRoute, anyone, s.briefingUnsubscribe},
		{"GET", "/api/v1/advocate-candidates", apiRoute, samtal.PermViewPeople, s.apiAdvocateCandidates},
		{"GET", "/api/v1/advocate-scores/{id}", apiRoute, samtal.PermViewPeople, s.apiAdvocateScore},
		{"POST", "/api/v1/advocate-scores/{id}", apiRoute, samtal.PermEditPeople, s.apiRecomputeAdvocateScore},
		{"GET", "/api/v1/advocates", apiRoute, samtal.PermViewPeople, s.apiAdvocates},
		{"POST", "/api/v1/advocates", apiRoute, samtal.PermEditPeople, s.apiInviteAdvocate},
		{"DELETE", "/api/v1/advocates/{id}", apiRoute, samtal.PermEditPeople, s.apiRemoveAdvocate},
		{"GET", "/api/v1/me/advocacy", apiRoute, samtal.PermUseAccount, s.apiMyAdvocacy},
		{"POST", "/api/v1/me/advocacy", apiRoute, samtal.PermUseAccount, s.apiAnswerAdvocacy},
		{"GET", "/api/v1/briefings", apiRoute, samtal.PermViewPeople, s.apiBriefings},
		{"POST", "/api/v1/briefings", apiRoute, samtal.PermEditPeople, s.apiCreateBriefing},
		{"GET", "/api/v1/briefings/{id}", apiRoute, samtal.PermViewPeople, s.apiBriefing},
		{"PATCH", "/api/v1/briefings/{id}", apiRoute, samtal.PermEditPeople, s.apiUpdateBriefing},
		{"POST", "/api/v1/briefings/{id}/send", apiRoute, samtal.PermEditPeople, s.apiSendBriefing},
		{"GET", "/api/v1/briefings/{id}/recipients", apiRoute, samtal.PermViewPeople, s.apiBriefingRecipients},

		// People: staff pages and a member's own and public profile. The
		// service decides again what the caller may see of whom.
		{"GET", "/admin/people", pageRoute, samtal.PermViewPeople, s.adminPeople},
		{"GET", "/admin/people/suggestions", pageRoute, samtal.PermViewPeople, s.adminSuggestions},
		{"POST", "/admin/people/suggestions/{id}/accept", pageRoute, samtal.PermEditPeople, s.adminSuggestionAccept},
		{"POST", "/admin/people/suggestions/{id}/reject", pageRoute, samtal.PermEditPeople, s.adminSuggestionReject},
		{"GET", "/admin/people/export", pageRoute, samtal.PermExportPeople, s.adminPeopleExport},
		{"GET", "/admin/people/{id}", pageRoute, samtal.PermViewPeople, s.adminPerson},
		{"POST", "/admin/people/{id}/notes", pageRoute, samtal.PermEditPeople, s.adminPersonNote},
		{"POST", "/admin/people/{id}/tags", pageRoute, samtal.PermEditPeople, s.adminPersonTags},
		{"POST", "/admin/people/{id}/identities", pageRoute, samtal.PermEditPeople, s.adminPersonIdentity},
		{"POST", "/admin/people/{id}/identities/{iid}/remove", pageRoute, samtal.PermEditPeople, s.adminPersonIdentityRemove},
		{"POST", "/admin/people/{id}/merge", pageRoute, samtal.PermEditPeople, s.adminPersonMerge},
		{"GET", "/people/{id}", pageRoute, samtal.PermUseAccount, s.publicProfile},
		{"GET", "/me/profile", pageRoute, samtal.PermUseAccount, s.myProfile},
		{"POST", "/me/profile/identities", pageRoute, samtal.PermUseAccount, s.myProfileIdentity},
		// Listening's staff pages (listening*.go): every staff member reads
		// mentions; triage changes them; managing shapes sources and topics.
		{"GET", "/listening", pageRoute, samtal.PermViewMentions, s.listeningInbox},
		{"POST", "/listening/mentions/bulk", pageRoute, samtal.PermTriageMentions, s.listeningBulk},
		{"GET", "/listening/mentions/{id}", pageRoute, samtal.PermViewMentions, s.listeningMention},
		{"POST", "/listening/mentions/{id}", pageRoute, samtal.PermTriageMentions, s.listeningMentionUpdate},
		{"GET", "/listening/topics", pageRoute, samtal.PermViewMentions, s.listeningTopics},
		{"GET", "/listening/topics/new", pageRoute, samtal.PermManageListening, s.listeningTopicNew},
		{"POST", "/listening/topics", pageRoute, samtal.PermManageListening, s.listeningTopicCreate},
		{"POST", "/listening/topics/preview", pageRoute, samtal.PermManageListening, s.listeningTopicPreview},
		{"GET", "/listening/topics/{id}", pageRoute, samtal.PermViewMentions, s.listeningTopic},
		{"POST", "/listening/topics/{id}", pageRoute, samtal.PermManageListening, s.listeningTopicUpdate},
		{"POST", "/listening/topics/{id}/delete", pageRoute, samtal.PermManageListening, s.listeningTopicDelete},
		{"GET", "/listening/sources", pageRoute, samtal.PermViewMentions, s.listeningSources},
		{"GET", "/listening/sources/new", pageRoute, samtal.PermManageListening, s.listeningSourceNew},
		{"POST", "/listening/sources", pageRoute, samtal.PermManageListening, s.listeningSourceCreate},
		{"GET", "/listening/sources/{id}", pageRoute, samtal.PermViewMentions, s.listeningSource},
		{"POST", "/listening/sources/{id}", pageRoute, samtal.PermManageListening, s.listeningSourceUpdate},
		{"POST", "/listening/sources/{id}/fetch", pageRoute, samtal.PermManageListening, s.listeningSourceFetch},
		{"POST", "/listening/sources/{id}/delete", pageRoute, samtal.PermManageListening, s.listeningSourceDelete},
		{"POST", "/listening/sources/{id}/imports", pageRoute, samtal.PermManageListening, s.listeningImportUpload},
		{"GET", "/api/v1/sources", apiRoute, samtal.PermViewMentions, s.apiSources},
		{"POST", "/api/v1/sources", apiRoute, samtal.PermManageListening, s.apiCreateSource},
		{"GET", "/api/v1/sources/{id}", apiRoute, samtal.PermViewMentions, s.apiSource},
		{"PATCH", "/api/v1/sources/{id}", apiRoute, samtal.PermManageListening, s.apiUpdateSource},
		{"DELETE", "/api/v1/sources/{id}", apiRoute, samtal.PermManageListening, s.apiDeleteSource},
		{"POST", "/api/v1/sources/{id}/fetch", apiRoute, samtal.PermManageListening, s.apiFetchSource},
		// The webhook's caller is a tool, not an account: the signature
		// keyed with the source's secret is its credential.
		{"POST", "/api/v1/sources/{id}/hook", apiRoute, anyone, s.apiSourceHook},
		{"GET", "/api/v1/sources/{id}/imports", apiRoute, samtal.PermViewMentions, s.apiImports},
		{"POST", "/api/v1/sources/{id}/imports", apiRoute, samtal.PermManageListening, s.apiStartImport},
		{"GET", "/api/v1/imports/{id}", apiRoute, samtal.PermViewMentions, s.apiImport},
		{"GET", "/api/v1/topics", apiRoute, samtal.PermViewMentions, s.apiTopics},
		{"POST", "/api/v1/topics", apiRoute, samtal.PermManageListening, s.apiCreateTopic},
		{"POST", "/api/v1/topics/preview", apiRoute, samtal.PermManageListening, s.apiPreviewTopic},
		{"GET", "/api/v1/topics/{id}", apiRoute, samtal.PermViewMentions, s.apiTopic},
		{"PATCH", "/api/v1/topics/{id}", apiRoute, samtal.PermManageListening, s.apiUpdateTopic},
		{"DELETE", "/api/v1/topics/{id}", apiRoute, samtal.PermManageListening, s.apiDeleteTopic},
		{"GET", "/api/v1/topics/{id}/days", apiRoute, samtal.PermViewMentions, s.apiTopicDays},
		{"GET", "/api/v1/mentions", apiRoute, samtal.PermViewMentions, s.apiMentions},
		{"POST", "/api/v1/mentions/bulk", apiRoute, samtal.PermTriageMentions, s.apiBulkMentions},
		{"GET", "/api/v1/mentions/{id}", apiRoute, samtal.PermViewMentions, s.apiMention},
		{"PATCH", "/api/v1/mentions/{id}", apiRoute, samtal.PermTriageMentions, s.apiUpdateMention},

		{"GET", "/api/v1/persons", apiRoute, samtal.PermViewPeople, s.apiPersons},
		{"POST", "/api/v1/persons", apiRoute, samtal.PermEditPeople, s.apiCreatePerson},
		{"GET", "/api/v1/persons/export", apiRoute, samtal.PermExportPeople, s.apiPeopleExport},
		{"GET", "/api/v1/persons/{id}", apiRoute, samtal.PermUseAccount, s.apiPerson},
		{"PATCH", "/api/v1/persons/{id}", apiRoute, samtal.PermEditPeople, s.apiUpdatePerson},
		{"GET", "/api/v1/persons/{id}/timeline", apiRoute, samtal.PermUseAccount, s.apiPersonTimeline},
		{"GET", "/api/v1/persons/{id}/identities", apiRoute, samtal.PermUseAccount, s.apiPersonIdentities},
		{"POST", "/api/v1/persons/{id}/identities", apiRoute, samtal.PermUseAccount, s.apiAddIdentity},
		{"DELETE", "/api/v1/persons/{id}/identities/{iid}", apiRoute, samtal.PermEditPeople, s.apiRemoveIdentity},
		{"GET", "/api/v1/persons/{id}/notes", apiRoute, samtal.PermViewPeople, s.apiPersonNotes},
		{"POST", "/api/v1/persons/{id}/notes", apiRoute, samtal.PermEditPeople, s.apiCreatePersonNote},
		{"POST", "/api/v1/persons/{id}/merge", apiRoute, samtal.PermEditPeople, s.apiMergePerson},
		{"GET", "/api/v1/merge-suggestions", apiRoute, samtal.PermViewPeople, s.apiSuggestions},
		{"POST", "/api/v1/merge-suggestions/{id}/accept", apiRoute, samtal.PermEditPeople, s.apiAcceptSuggestion},
		{"POST", "/api/v1/merge-suggestions/{id}/reject", apiRoute, samtal.PermEditPeople, s.apiRejectSuggestion},

		// A person's archive and erasure: members their own (the service
		// answers 404 for anyone else), admins anyone's for a request.
		{"POST", "/settings/export", pageRoute, samtal.PermUseAccount, s.settingsExport},
		{"POST", "/settings/erase", pageRoute, samtal.PermUseAccount, s.settingsErase},
		{"GET", "/admin/people/{id}/privacy", pageRoute, samtal.PermErasePeople, s.personPrivacyPage},
		{"POST", "/admin/people/{id}/export", pageRoute, samtal.PermErasePeople, s.personExport},
		{"POST", "/admin/people/{id}/erase", pageRoute, samtal.PermErasePeople, s.personErase},
		{"POST", "/api/v1/persons/{id}/export", apiRoute, samtal.PermUseAccount, s.apiPersonExport},
		{"POST", "/api/v1/persons/{id}/erase", apiRoute, samtal.PermUseAccount, s.apiPersonErase},

		// Consent per purpose: members read and change their own (the
		// service answers 404 for anyone else's), staff who read people read
		// anyone's, staff who edit people record consent gathered elsewhere;
		// admins publish the texts.
		{"GET", "/api/v1/persons/{id}/consents", apiRoute, samtal.PermUseAccount, s.apiConsents},
		{"POST", "/api/v1/persons/{id}/consents", apiRoute, samtal.PermUseAccount, s.apiRecordConsent},
		{"POST", "/settings/consents", pageRoute, samtal.PermUseAccount, s.settingsConsents},
		{"GET", "/admin/consent-texts", pageRoute, samtal.PermPublishConsentTexts, s.adminConsentTexts},
		{"POST", "/admin/consent-texts", pageRoute, samtal.PermPublishConsentTexts, s.adminConsentTextPublish},
	}
}
