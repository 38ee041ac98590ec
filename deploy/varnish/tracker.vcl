# How the cache in front of the tracker treats each kind of answer. The origin's headers say what may be
# kept and for how long; this file only adds what a shared cache must know about the night (docs/operations.md):
#   - /api/v1/now: one origin fetch per hop however many viewers ask. Waiting viewers share that fetch
#     (request coalescing), an answer whose max-age is already 0 is still shared by the viewers that waited
#     for it (never hit-for-miss), and no query string or cookie makes a copy of its own.
#   - never an expired answer while the origin is healthy: an expired `now` is a stop from before the hop.
#   - while the origin is sick or failing, the last answer for its stale-if-error window.
#   - /api/v1/time is answered here from the cache's own clock and the route clock the origin names on `now`
#     (Tracker-Clock), never cached (no-store); from the origin only when no `now` answer is at hand.
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
        # Only this file may ask for a stale answer (see vcl_synth) or set the clock headers, never a client.
        unset req.http.X-Tracker-Stale-If-Error;
        unset req.http.X-Tracker-Time;
        unset req.http.X-Tracker-Time-From-Origin;
        unset req.http.X-Tracker-Clock;
    }
    if (req.url ~ "^/api/v1/time(\?|$)" && !req.http.X-Tracker-Time-From-Origin) {
        # The clock is answered here, from the cache's own clock (kept by NTP, as Tracker-Next-Hop assumes),
        # so that no page load reaches the origin for it and a viewer can set the clock while the origin is
        # down. The origin names its route clock on every `now` answer (Tracker-Clock): look `now` up, as
        # every viewer does, and answer from its clock in vcl_deliver and vcl_synth.
        set req.http.X-Tracker-Time = "1";
        set req.url = "/api/v1/now";
        # A 304 would carry no clock: the answer is always a whole one.
        unset req.http.If-None-Match;
        unset req.http.If-Modified-Since;
    }
    if (req.url ~ "^/api/v1/now(\?|$)") {
        # The answer depends on the clock alone: a query string or a cookie must not split the cache.
        set req.url = "/api/v1/now";
        unset req.http.Cookie;
        unset req.http.Authorization;
    } elsif (req.url ~ "^/api/v1/time(\?|$)") {
        # Only when no `now` answer named the clock (vcl_deliver): the origin's own clock.
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
    if (req.http.X-Tracker-Time && req.http.X-Tracker-Clock && resp.status == 200) {
        call tracker_time;
        return (deliver);
    }
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
    if (req.http.X-Tracker-Time) {
        if (resp.status == 200 && resp.http.Tracker-Clock ~ "^start=-?[0-9]+(\.[0-9]+)?;anchor=-?[0-9]+(\.[0-9]+)?;speed=[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?$") {
            # The headers every answer of the origin carries, as `now` carried them (the same middleware).
            set req.http.X-Tracker-Clock = resp.http.Tracker-Clock;
            set req.http.X-Tracker-Frame-Options = resp.http.X-Frame-Options;
            set req.http.X-Tracker-CSP = resp.http.Content-Security-Policy;
            set req.http.X-Tracker-Nosniff = resp.http.X-Content-Type-Options;
            set req.http.X-Tracker-Referrer-Policy = resp.http.Referrer-Policy;
            set req.http.X-Tracker-COOP = resp.http.Cross-Origin-Opener-Policy;
            set req.http.X-Tracker-HSTS = resp.http.Strict-Transport-Security;
            return (synth(200, "OK"));
        }
        # No `now` answer names the clock (the origin is down and nothing is kept, or an older origin): ask
        # the origin's /api/v1/time as before.
        set req.http.X-Tracker-Time-From-Origin = "1";
        unset req.http.X-Tracker-Time;
        set req.url = "/api/v1/time";
        return (restart);
    }
    # The clock is for this file (vcl_synth), not for viewers.
    unset resp.http.Tracker-Clock;
    # Age stays: a browser keeps the answer for max-age minus Age, so never past the hop.
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}

sub tracker_time {
    # tracker/api.py time_view's answer, byte for byte in format: route time = start + (wall - anchor) * speed
    # from the origin's Tracker-Clock, in whole milliseconds rounded down; the ISO form has milliseconds only
    # when they are not 0 (locations.live.iso_z).
    set req.http.X-Tracker-Ms = std.integer(real=1000 * (
        std.real(regsub(req.http.X-Tracker-Clock, "^start=([^;]+);.*$", "\1"), 0)
        + (std.real(time=now) - std.real(regsub(req.http.X-Tracker-Clock, "^.*;anchor=([^;]+);.*$", "\1"), 0))
        * std.real(regsub(req.http.X-Tracker-Clock, "^.*;speed=(.+)$", "\1"), 1)));
    set req.http.X-Tracker-Seconds = regsub(req.http.X-Tracker-Ms, "[0-9]{3}$", "");
    set req.http.X-Tracker-Fraction = regsub(req.http.X-Tracker-Ms, "^.*([0-9]{3})$", ".\1");
    if (req.http.X-Tracker-Fraction == ".000") {
        set req.http.X-Tracker-Fraction = "";
    }
    set resp.http.Content-Type = "application/json";
    set resp.http.Cache-Control = "no-store";
    set resp.http.X-Frame-Options = req.http.X-Tracker-Frame-Options;
    set resp.http.Content-Security-Policy = req.http.X-Tracker-CSP;
    set resp.http.X-Content-Type-Options = req.http.X-Tracker-Nosniff;
    set resp.http.Referrer-Policy = req.http.X-Tracker-Referrer-Policy;
    set resp.http.Cross-Origin-Opener-Policy = req.http.X-Tracker-COOP;
    if (req.http.X-Tracker-HSTS) {
        set resp.http.Strict-Transport-Security = req.http.X-Tracker-HSTS;
    }
    set resp.body = {"{"now":""} + std.strftime(std.time(integer=std.integer(req.http.X-Tracker-Seconds, 0)),
        "%Y-%m-%dT%H:%M:%S") + req.http.X-Tracker-Fraction + {"Z","now_ms":"} + req.http.X-Tracker-Ms
        + {","speed":"} + regsub(req.http.X-Tracker-Clock, "^.*;speed=(.+)$", "\1") + "}";
}
