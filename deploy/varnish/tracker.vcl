# How the cache in front of the tracker treats each kind of answer. The origin's headers say what may be
# kept and for how long; this file only adds what a shared cache must know about the night (docs/operations.md):
#   - /api/v1/now: one origin fetch per hop however many viewers ask. Waiting viewers share that fetch
#     (request coalescing), an answer whose max-age is already 0 is still shared by the viewers that waited
#     for it (never hit-for-miss), and no query string or cookie makes a copy of its own.
#   - never an expired answer while the origin is healthy: an expired `now` is a stop from before the hop.
#   - while the origin is sick or failing, the last answer for its stale-if-error window.
#   - /api/v1/time is never cached (no-store): every viewer syncs to the origin's clock.
#   - hashed static files are kept for their year; pages marked no-store, private or with cookies never are.

import std;

sub vcl_recv {
    set req.backend_hint = origin.backend();
    # Header names with underscores reach Django as the dashed ones (WSGI maps both to HTTP_X_FORWARDED_PROTO),
    # and the app server lets the last one win: a client's X_Forwarded_Proto would pass the HTTPS redirect.
    unset req.http.X_Forwarded_Proto;
    unset req.http.X_Forwarded_For;
    unset req.http.X_Forwarded_Host;
    unset req.http.X_Forwarded_Port;
    unset req.http.X_Real_IP;
    # The scheme the viewer used, as the TLS-ending front says it; nothing said is plain HTTP. Answers differ
    # by it (production redirects plain HTTP), so it is part of every cache key (vcl_hash).
    if (req.http.X-Forwarded-Proto != "https") {
        set req.http.X-Forwarded-Proto = "http";
    }
    if (req.restarts == 0) {
        # Only this file may ask for a stale answer (see vcl_synth), never a client.
        unset req.http.X-Tracker-Stale-If-Error;
    }
    if (req.url ~ "^/api/v1/now(\?|$)") {
        # The answer depends on the clock alone: a query string or a cookie must not split the cache.
        set req.url = "/api/v1/now";
        unset req.http.Cookie;
        unset req.http.Authorization;
    } elsif (req.url ~ "^/api/v1/time(\?|$)") {
        set req.url = "/api/v1/time";
        unset req.http.Cookie;
        unset req.http.Authorization;
        return (pass);
    } elsif (req.url ~ "^/(api/v1/trail\?|static/)" || req.url ~ "^/[a-z]{2,3}(-[a-z0-9]+)?/(\?|$)") {
        # The trail, the static files and the map page in each language (/de/) set no cookie and read none.
        unset req.http.Cookie;
    }
    if (req.method != "GET" && req.method != "HEAD" || req.url ~ "^/admin/" || req.url ~ "^/[a-z]{2,3}(-[a-z0-9]+)?/letters/") {
        # The pages that write or wait on the database have app servers of their own (origin.vcl): in one
        # server's thread pool, requests queue first come, first served, and the API would wait behind them.
        set req.backend_hint = pages.backend();
    }
    if (req.http.X-Tracker-Stale-If-Error) {
        # A fetch just failed: only the object's own grace (the origin's stale-if-error) limits it.
        set req.grace = 1y;
    } elsif (std.healthy(req.backend_hint)) {
        # Grace would serve the stop from before the hop while one background fetch runs: never while
        # the origin is healthy. Viewers wait for the one fetch instead (milliseconds).
        set req.grace = 0s;
    }
    # Falls through to the built-in rules: other methods, Authorization and cookies (admin, letters) pass.
}

sub vcl_hash {
    hash_data(req.http.X-Forwarded-Proto);
    if (req.url == "/api/v1/now") {
        # The same answer under every host name the site is reached by: one copy, one fetch per hop.
        hash_data(req.url);
        return (lookup);
    }
}

sub vcl_backend_fetch {
    unset bereq.http.X-Tracker-Stale-If-Error;
}

sub vcl_backend_response {
    if (beresp.status >= 500 && !bereq.uncacheable) {
        if (bereq.retries < 1) {
            # The round-robin director sends the retry to the next app server.
            return (retry);
        }
        # A failed fetch is never cached: a background fetch keeps the last answer, a foreground one
        # becomes a 503 that vcl_synth turns into the last answer when there is one.
        return (abandon);
    }
    if (!beresp.http.Cache-Control && !beresp.http.Expires) {
        # The origin's headers are the whole policy: an answer that names no lifetime (a redirect, a 404) is
        # never kept, so it cannot stand in for the answer other viewers should get. Not hit-for-miss either:
        # the next viewer's request is a fetch of its own, shared as usual.
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        return (deliver);
    }
    if (bereq.url == "/api/v1/now" && beresp.status == 200 && !beresp.http.Set-Cookie) {
        # The origin counted its whole seconds before this copy arrived: let the copy go a little early,
        # so that it can never outlive the hop by the time the answer took to get here (or by the clocks'
        # difference, below).
        set beresp.ttl = beresp.ttl - 0.05s;
        if (beresp.http.Tracker-Next-Hop
            && std.time(beresp.http.Tracker-Next-Hop, now) - now - 0.05s < beresp.ttl + 1s) {
            # max-age counts whole seconds, so it ends up to a second before the hop, and in that last second
            # (max-age=0) every viewer's request would be a fetch of its own. The origin names the hop's wall
            # moment to the millisecond: keep the answer until just before it (clocks in step by NTP).
            # Only ever shortened or lengthened by less than a second: max-age's cap still holds.
            set beresp.ttl = std.time(beresp.http.Tracker-Next-Hop, now) - now - 0.05s;
        }
        if (beresp.ttl <= 0s) {
            # max-age=0: the hop is less than a second away. The built-in rules would make this a
            # hit-for-miss object for two minutes, sending the burst after the hop to the origin uncoalesced.
            # A millisecond keeps it for exactly the viewers that waited for this fetch.
            set beresp.ttl = 0.001s;
        }
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "^(.*[ ,])?stale-if-error=([0-9]+).*$", "\2s"), 0s);
        set beresp.keep = 0s;
        return (deliver);
    }
    if (beresp.ttl > 0s && beresp.http.Cache-Control ~ "stale-if-error=") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "^(.*[ ,])?stale-if-error=([0-9]+).*$", "\2s"), 0s);
    } elsif (beresp.ttl > 0s) {
        set beresp.grace = 0s;
    }
    # Falls through to the built-in rules: no-store, private, Set-Cookie and max-age=0 are never cached.
}

sub vcl_backend_error {
    if (bereq.retries < 1 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
    # Nothing from a failed fetch is kept; the client side decides what the viewer sees (vcl_synth).
    return (abandon);
}

sub vcl_synth {
    if (resp.status == 503 && req.restarts == 0 && (req.method == "GET" || req.method == "HEAD")
        && (req.url == "/api/v1/now" || req.url ~ "^/(api/v1/trail\?|static/)"
            || req.url ~ "^/[a-z]{2,3}(-[a-z0-9]+)?/(\?|$)")) {
        # The fetch failed before the probe noticed: look again, this time accepting the last answer.
        set req.http.X-Tracker-Stale-If-Error = "1";
        return (restart);
    }
    if (resp.status >= 400) {
        # The API's one error shape, never cached: the origin is back at the next fetch.
        set resp.http.Content-Type = "application/json";
        set resp.http.Cache-Control = "no-store";
        set resp.http.Retry-After = "1";
        set resp.body = """{"error":"The tracker is briefly unreachable; try again in a moment."}""";
        return (deliver);
    }
}

sub vcl_deliver {
    # Age stays: a browser keeps the answer for max-age minus Age, so never past the hop.
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}
