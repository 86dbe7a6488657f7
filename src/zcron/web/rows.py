"""The crontab table's rows as HTML fragments, each marked with a digest
of its text: the page and its live refresh render rows alike, so that a
refresh sends only the rows whose digest the browser does not hold.

Fragments are rendered by calling the template itself (not Pyramid's
renderer, whose BeforeRender subscriber would take the session's flash
messages away from the page).
"""
import hashlib

from pyramid.renderers import get_renderer

from zcron.web import formatting

PLACEHOLDER = "@@digest@@"      # in the row's first tag, before any user text


def fragment_globals(request):
    """What the row and pager templates use besides their own values."""
    user = request.identity
    return {"request": request, "fmt": formatting,
            "can_manage": bool(user is not None and user.can_manage),
            "csrf_token": request.session.get_csrf_token()}


def template(name):
    return get_renderer(f"zcron.web:templates/{name}").implementation()


def render_rows(request, site, crontab, rows, now):
    """[(uid, digest, html)] of ``rows`` (listing.cron_row rows)."""
    row_template = template("row.pt")
    values = dict(fragment_globals(request), site=site, crontab=crontab, now=now,
                  digest=PLACEHOLDER)
    rendered = []
    for row in rows:
        html = row_template(row=row, **values)
        digest = hashlib.blake2b(html.encode(), digest_size=8).hexdigest()
        rendered.append((row.uid, digest, html.replace(PLACEHOLDER, digest, 1)))
    return rendered


def render_pager(request, site, listing, query):
    return template("pager.pt")(listing=listing, query=query, site=site,
                                **fragment_globals(request))


def changed(rendered, known):
    """The refresh's answer: the page's uids in order, and the HTML of
    the rows whose digest is not among ``known``."""
    known = set(known)
    return {"order": [uid for uid, _, _ in rendered],
            "rows": {uid: html for uid, digest, html in rendered if digest not in known}}
