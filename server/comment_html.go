package server

import (
	"html"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// threadsHTML writes the threads of a discussion page: each top-level
// comment or idea with its replies, in reading order.
func threadsHTML(p *page) template.HTML {
	v := p.Data.(*consultationView)
	size := 0
	for i := range v.Threads {
		size += commentSize(&v.Threads[i].Comment)
		for j := range v.Threads[i].Replies {
			size += commentSize(&v.Threads[i].Replies[j].Comment)
		}
	}
	var b strings.Builder
	b.Grow(size)
	for i := range v.Threads {
		t := &v.Threads[i]
		b.WriteString("<li class=\"thread\">\n")
		writeComment(&b, &t.Comment, p)
		if len(t.Replies) > 0 {
			b.WriteString(`<ol class="replies">`)
			for j := range t.Replies {
				r := &t.Replies[j]
				b.WriteString(`<li class="depth-` + strconv.Itoa(r.Depth) + `">`)
				writeComment(&b, &r.Comment, p)
				b.WriteString("</li>")
			}
			b.WriteString("</ol>")
		}
		b.WriteString("\n</li>\n")
	}
	return template.HTML(b.String())
}

// commentSize estimates a comment's HTML, forms included, to size buffers.
func commentSize(c *consultations.Comment) int { return 2500 + len(c.BodyHTML) + len(c.Title) }

// writeComment writes one comment, reply or idea, as the "comment"
// template partial did. A page shows up to 200 of them, and through
// html/template each cost some fifty reflective calls: written here, the
// page of 200 comments renders several times faster. Every string from a
// user or a translation is escaped with html.EscapeString; the body is the
// HTML the sanitiser made when the comment was stored.
func writeComment(b *strings.Builder, c *consultations.Comment, p *page) {
	v := p.Data.(*consultationView)
	l := p.L
	esc := html.EscapeString
	w := func(parts ...string) {
		for _, s := range parts {
			b.WriteString(s)
		}
	}
	id := esc(c.ID)
	class := "comment"
	if c.Kind == consultations.KindIdea {
		class = "comment idea"
	}
	w(`<article class="`, class, `" id="comment-`, id, `" aria-labelledby="comment-`, id, `-by">`, "\n")
	if c.Status == consultations.CommentHidden || c.Status == consultations.CommentDeleted {
		w(`<p class="removed" id="comment-`, id, `-by">`)
		if c.Status == consultations.CommentHidden && c.ModerationCategory != "" {
			w(esc(l.T("ModRemovedWithCategory", map[string]any{"Category": l.T("ModCategory_" + c.ModerationCategory)})),
				` <a href="/consultations/`, esc(v.C.Slug), `/moderation">`, esc(l.T("ModLogLink")), `</a>`)
		} else {
			w(esc(l.T("Removed_" + string(c.Status))))
		}
		w("</p>\n</article>")
		return
	}
	pending := c.Status == consultations.CommentPending
	published := c.Status == consultations.CommentPublished
	w(`<header class="comment-meta">`, "\n",
		`<span class="author" id="comment-`, id, `-by"><bdi>`, esc(c.AuthorName), `</bdi></span>`, "\n",
		`<time datetime="`, c.CreatedAt.UTC().Format(time.RFC3339), `">`, esc(l.DateTime(c.CreatedAt, v.C.Organisation.TimeZone)), `</time>`, "\n")
	if c.Stance != "" {
		w(`<span class="stance stance-`, esc(string(c.Stance)), `">`, esc(l.T("Stance_"+string(c.Stance))), `</span>`, "\n")
	}
	if pending {
		w(`<span class="tag tag-pending">`, esc(l.T("AwaitingModeration")), `</span>`, "\n")
	}
	w("</header>\n")
	if pending {
		w(`<p class="hint">`, esc(l.T("PendingExplain")), "</p>\n")
	}
	locale := esc(c.Locale)
	if c.Title != "" {
		w(`<h3 class="idea-title" lang="`, locale, `" dir="auto">`, esc(c.Title), "</h3>\n")
	}
	w(`<div class="comment-body" lang="`, locale, `" dir="auto">`, c.BodyHTML, "</div>\n")
	if c.ModerationCategory != "" {
		w(`<p class="hint">`, esc(l.T("ModRedactedWithCategory", map[string]any{"Category": l.T("ModCategory_" + c.ModerationCategory)})), "</p>\n")
	}
	csrf := esc(p.CSRF)
	w(`<div class="comment-actions">`, "\n")
	if c.Kind == consultations.KindIdea {
		on := v.Supported[c.ID]
		w(`<span class="support-count">`, esc(l.N("SupportCount", c.SupportCount)), "</span>\n")
		if v.Open && published {
			if p.User != nil {
				value, pressed := "1", "false"
				if on {
					value, pressed = "0", "true"
				}
				w(`<form method="post" action="/ideas/`, id, `/support" class="inline-form">`, "\n",
					`<input type="hidden" name="csrf_token" value="`, csrf, `"><input type="hidden" name="on" value="`, value, `">`, "\n",
					`<button type="submit" class="button button-secondary support-button" aria-pressed="`, pressed, `">`, esc(l.T("SupportButton")), "</button>\n</form>")
				if on {
					w(`<span class="hint">`, esc(l.T("YouSupport")), `</span>`)
				}
				w("\n")
			} else {
				w(`<a href="`, esc(v.SignInURL), `">`, esc(l.T("SignInToSupport")), "</a>\n")
			}
		}
	}
	mine := v.Mine[c.ID]
	if p.User != nil && published && !mine {
		w(`<a class="report-link" href="/comments/`, id, `/report" rel="nofollow">`, esc(l.T("ModReportLink")),
			`<span class="visually-hidden"> `, esc(l.T("ModReportWhose", map[string]any{"Name": c.AuthorName})), "</span></a>\n")
	}
	if mine {
		w(`<form method="post" action="/comments/`, id, `/delete" class="inline-form" data-confirm="`, esc(l.T("DeleteCommentTitle")), `">`, "\n",
			`<input type="hidden" name="csrf_token" value="`, csrf, `"><input type="hidden" name="return" value="/consultations/`, esc(v.C.Slug), `">`, "\n",
			`<button type="submit" class="link-button link-danger">`, esc(l.T("DeleteButton")), "</button>\n</form>\n")
	}
	w("</div>\n")
	if v.Open && p.User != nil && published {
		replying := v.Form.ParentID == c.ID
		field := "reply-body-" + id
		open, groupClass, errHTML, body := "", "form-group", "", ""
		if replying {
			open, body = " open", esc(v.Form.Body)
			if msg := v.Form.Inline[field]; msg != "" {
				groupClass = "form-group form-group-error"
				errHTML = `<span class="field-error" id="` + field + `-error">` + esc(msg) + "</span>\n"
			}
		}
		w(`<details class="reply"`, open, `><summary>`, esc(l.T("ReplyButton")), "</summary>\n",
			`<form method="post" action="/consultations/`, esc(v.C.Slug), `/comments" novalidate>`, "\n",
			`<input type="hidden" name="csrf_token" value="`, csrf, `"><input type="hidden" name="idem" value="`, esc(v.Idem),
			`"><input type="hidden" name="parent_id" value="`, id, `">`, "\n",
			`<div class="`, groupClass, `">`, "\n",
			`<label for="`, field, `">`, esc(l.T("ReplyLabel")), ` <bdi>`, esc(c.AuthorName), "</bdi></label>\n",
			errHTML,
			`<textarea id="`, field, `" name="body" rows="3" dir="auto">`, body, "</textarea>\n</div>\n",
			`<button type="submit" class="button">`, esc(l.T("PostReplyButton")), "</button>\n</form>\n</details>\n")
	}
	w("</article>")
}
