package server

import "net/http"

// route is one entry of the routing table. Keeping the table as data lets
// tests walk every route (the OpenAPI check, the authorisation matrix).
type route struct {
	method  string
	pattern string
	handler http.HandlerFunc
}

// Routes lists "METHOD pattern" for every route, for tests and docs.
func (s *Server) Routes() []string {
	out := make([]string, len(s.routes))
	for i, r := range s.routes {
		out[i] = r.method + " " + r.pattern
	}
	return out
}

func (s *Server) routeTable() []route {
	return []route{
		// Operations.
		{"GET", "/livez", s.handleLivez},
		{"GET", "/readyz", s.handleReadyz},
		{"GET", "/metrics", s.handleMetrics},
		{"GET", "/static/", s.assets.ServeHTTP},

		// Citizen pages.
		{"GET", "/{$}", s.handleHome},
		{"GET", "/consultations/{slug}", s.handleConsultationPage},
		{"GET", "/language", s.handleLanguage},
		{"GET", "/accessibility", s.handleAccessibility},

		// Citizen pages: accounts, responding, discussion, own contributions.
		{"GET", "/register", s.handleRegisterForm},
		{"POST", "/register", s.handleRegister},
		{"GET", "/sign-in", s.handleSignInForm},
		{"POST", "/sign-in", s.handleSignIn},
		{"POST", "/sign-out", s.handleSignOut},
		{"GET", "/consultations/{slug}/respond", s.handleRespondForm},
		{"POST", "/consultations/{slug}/respond", s.handleRespond},
		{"GET", "/consultations/{slug}/respond/done", s.handleRespondDone},
		{"GET", "/consultations/{slug}/outcome", s.handleOutcomePage},
		{"GET", "/consultations/{slug}/comments", s.handleCommentsRedirect},
		{"POST", "/consultations/{slug}/comments", s.handleCommentPost},
		{"POST", "/comments/{id}/delete", s.handleCommentDelete},
		{"POST", "/ideas/{id}/support", s.handleIdeaSupport},
		{"GET", "/me", s.handleMe},
		{"POST", "/me/responses/{id}/delete", s.handleMyResponseDelete},

		// Staff pages (under /manage).
		{"GET", "/manage", s.handleManageList},
		{"GET", "/manage/consultations/new", s.handleManageNew},
		{"POST", "/manage/consultations", s.handleManageCreate},
		{"GET", "/manage/consultations/{id}", s.handleManageConsultation},
		{"GET", "/manage/consultations/{id}/edit", s.handleManageEdit},
		{"POST", "/manage/consultations/{id}", s.handleManageUpdate},
		{"POST", "/manage/consultations/{id}/status", s.handleManageStatus},
		{"GET", "/manage/consultations/{id}/outcome", s.handleManageOutcome},
		{"POST", "/manage/consultations/{id}/outcome", s.handleManageOutcomePublish},
		{"GET", "/manage/consultations/{id}/assisted", s.handleManageAssisted},
		{"POST", "/manage/consultations/{id}/assisted", s.handleManageAssistedSubmit},

		// Moderation (issue 4): pages.
		{"GET", "/comments/{id}/report", s.handleReportForm},
		{"POST", "/comments/{id}/report", s.handleReport},
		{"GET", "/consultations/{slug}/moderation", s.handleModLogPage},
		{"GET", "/me/moderation", s.handleMyModeration},
		{"POST", "/me/moderation/{id}/appeal", s.handleMyAppeal},
		{"GET", "/moderation", s.handleModQueue},
		{"POST", "/moderation/items/{id}/claim", s.handleModClaim},
		{"POST", "/moderation/items/{id}/decision", s.handleModDecision},
		{"POST", "/moderation/bulk", s.handleModBulk},
		{"GET", "/moderation/appeals", s.handleModAppeals},
		{"POST", "/moderation/appeals/{id}/decision", s.handleModAppealDecision},
		{"GET", "/manage/watched-words", s.handleModWords},
		{"POST", "/manage/watched-words", s.handleModWordAdd},
		{"POST", "/manage/watched-words/{id}/delete", s.handleModWordDelete},
		{"GET", "/admin/audit", s.handleModAudit},
		{"GET", "/admin/audit.csv", s.handleAuditCSV},

		// JSON API.
		{"GET", "/api/v1/openapi.json", s.handleOpenAPI},
		{"POST", "/api/v1/accounts", s.handleAPIAccountCreate},
		{"POST", "/api/v1/tokens", s.handleAPITokenCreate},
		{"GET", "/api/v1/consultations", s.handleAPIConsultationList},
		{"GET", "/api/v1/consultations/{id}", s.handleAPIConsultationGet},
		{"POST", "/api/v1/consultations", s.handleAPIConsultationCreate},
		{"POST", "/api/v1/consultations/{id}/status", s.handleAPIConsultationStatus},
		{"GET", "/api/v1/consultations/{id}/comments", s.handleAPICommentList},
		{"POST", "/api/v1/consultations/{id}/comments", s.handleAPICommentCreate},
		{"POST", "/api/v1/consultations/{id}/responses", s.handleAPIResponseCreate},

		// JSON API: the rest.
		{"PUT", "/api/v1/consultations/{id}", s.handleAPIConsultationUpdate},
		{"POST", "/api/v1/consultations/{id}/assisted-responses", s.handleAPIAssistedResponseCreate},
		{"GET", "/api/v1/consultations/{id}/outcome", s.handleAPIOutcomeGet},
		{"PUT", "/api/v1/consultations/{id}/outcome", s.handleAPIOutcomePublish},
		{"GET", "/api/v1/comments/{id}", s.handleAPICommentGet},
		{"DELETE", "/api/v1/comments/{id}", s.handleAPICommentDelete},
		{"POST", "/api/v1/comments/{id}/support", s.handleAPISupportAdd},
		{"DELETE", "/api/v1/comments/{id}/support", s.handleAPISupportRemove},
		{"GET", "/api/v1/responses/{id}", s.handleAPIResponseGet},
		{"DELETE", "/api/v1/responses/{id}", s.handleAPIResponseDelete},
		{"GET", "/api/v1/me", s.handleAPIMe},
		{"GET", "/api/v1/me/contributions", s.handleAPIMyContributions},
		{"GET", "/api/v1/me/notifications", s.handleAPINotifications},
		{"POST", "/api/v1/me/notifications/read", s.handleAPINotificationsRead},
		{"GET", "/api/v1/organisations", s.handleAPIOrganisations},
		{"DELETE", "/api/v1/tokens/current", s.handleAPITokenRevoke},

		// Live updates.
		{"GET", "/api/v1/consultations/{id}/live", s.handleAPILive},

		// Moderation (issue 4): JSON API.
		{"POST", "/api/v1/comments/{id}/reports", s.handleAPIReportCreate},
		{"GET", "/api/v1/moderation/queue", s.handleAPIModerationQueue},
		{"POST", "/api/v1/moderation/queue/{id}/claim", s.handleAPIModerationClaim},
		{"POST", "/api/v1/moderation/queue/{id}/decision", s.handleAPIModerationDecision},
		{"POST", "/api/v1/moderation/bulk-decisions", s.handleAPIModerationBulk},
		{"GET", "/api/v1/consultations/{id}/moderation-log", s.handleAPIModerationLog},
		{"GET", "/api/v1/me/moderation-decisions", s.handleAPIMyModerationDecisions},
		{"POST", "/api/v1/moderation/decisions/{id}/appeal", s.handleAPIAppealCreate},
		{"GET", "/api/v1/moderation/appeals", s.handleAPIAppealList},
		{"POST", "/api/v1/moderation/appeals/{id}/decision", s.handleAPIAppealDecision},
		{"POST", "/api/v1/moderation/suspensions", s.handleAPISuspensionCreate},
		{"GET", "/api/v1/organisations/{id}/watched-words", s.handleAPIWatchedWordList},
		{"POST", "/api/v1/organisations/{id}/watched-words", s.handleAPIWatchedWordCreate},
		{"DELETE", "/api/v1/watched-words/{id}", s.handleAPIWatchedWordDelete},
		{"GET", "/api/v1/moderation/audit", s.handleAPIAudit},
		{"GET", "/api/v1/moderation/audit.csv", s.handleAuditCSV},
		{"PUT", "/api/v1/moderation/moderators/{id}/scopes", s.handleAPIModeratorScopes},

		// Opinion map (issue 8): pages, staff pages, JSON API.
		{"GET", "/consultations/{slug}/opinion", s.handleOpinionVotePage},
		{"POST", "/consultations/{slug}/opinion/votes", s.handleOpinionVote},
		{"POST", "/consultations/{slug}/opinion/statements", s.handleOpinionStatementPost},
		{"GET", "/consultations/{slug}/opinion/report", s.handleOpinionReportPage},
		{"GET", "/manage/consultations/{id}/opinion", s.handleManageOpinion},
		{"POST", "/manage/consultations/{id}/opinion", s.handleManageOpinionSettings},
		{"POST", "/manage/consultations/{id}/opinion/statements", s.handleManageOpinionSeed},
		{"POST", "/manage/consultations/{id}/opinion/import", s.handleManageOpinionImport},
		{"POST", "/manage/opinion/statements/{id}/status", s.handleManageOpinionModerate},
		{"GET", "/api/v1/consultations/{id}/opinion", s.handleAPIOpinionGet},
		{"PUT", "/api/v1/consultations/{id}/opinion", s.handleAPIOpinionEnable},
		{"GET", "/api/v1/consultations/{id}/opinion/statements", s.handleAPIOpinionStatements},
		{"POST", "/api/v1/consultations/{id}/opinion/statements", s.handleAPIOpinionStatementCreate},
		{"GET", "/api/v1/consultations/{id}/opinion/next", s.handleAPIOpinionNext},
		{"GET", "/api/v1/consultations/{id}/opinion/report", s.handleAPIOpinionReport},
		{"GET", "/api/v1/consultations/{id}/opinion/export/{file}", s.handleAPIOpinionExport},
		{"POST", "/api/v1/opinion/statements/{id}/vote", s.handleAPIOpinionVote},
		{"PUT", "/api/v1/opinion/statements/{id}/status", s.handleAPIOpinionModerate},

		// Participation analytics and open data (issue 6).
		{"GET", "/consultations/{slug}/analytics", s.handleAnalyticsPage},
		{"GET", "/organisations/{slug}/analytics", s.handleOrgAnalyticsPage},
		{"GET", "/open-data", s.handleOpenData},
		{"GET", "/open-data/catalogue.json", s.handleOpenDataCatalogue},
		{"GET", "/open-data/consultations.json", s.handleOpenDataStructuresJSON},
		{"GET", "/open-data/consultations.csv", s.handleOpenDataStructuresCSV},
		{"GET", "/open-data/figures.csv", s.handleOpenDataFigures},
		{"GET", "/open-data/consultations/{id}/figures.csv", s.handleOpenDataConsultationFigures},
		{"GET", "/manage/analytics", s.handleManageOrgAnalytics},
		{"POST", "/manage/analytics/reference", s.handleManageOrgReference},
		{"GET", "/manage/consultations/{id}/analytics", s.handleManageAnalytics},
		{"POST", "/manage/consultations/{id}/analytics/reference", s.handleManageAnalyticsReference},
		{"GET", "/manage/consultations/{id}/responses.csv", s.handleManageResponsesExport},
		{"GET", "/api/v1/consultations/{id}/analytics", s.handleAPIAnalytics},
		{"GET", "/api/v1/consultations/{id}/analytics/exact", s.handleAPIAnalyticsExact},
		{"GET", "/api/v1/organisations/{slug}/analytics", s.handleAPIOrgAnalytics},
	}
}

func (s *Server) buildHandler() http.Handler {
	mux := http.NewServeMux()
	s.routes = s.routeTable()
	for _, rt := range s.routes {
		mux.Handle(rt.method+" "+rt.pattern, s.metrics.instrument(rt.method+" "+rt.pattern, rt.handler))
	}
	mux.HandleFunc("/", s.handleNotFound)
	return s.middleware(mux)
}
