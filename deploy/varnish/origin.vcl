# The app servers behind the cache, as deploy/compose.yaml names them. The tests start the same servers on
# loopback and give varnishd this file with only the host and port of each backend rewritten.
# Two pools of the same image: app1 and app2 answer viewers (the map, the API, static files), pages1 the pages
# that write or wait on the database (the letter form, the admin), so that a burst of letters or a hung
# database never queues in front of the API (tracker.vcl vcl_recv; docs/operations.md, "Bulkheads").

# The origin is healthy when it answers the hot endpoint; a sick origin lets the cache show its last answer.
probe origin_health {
    # X-Forwarded-Proto as the TLS-ending front in front of the cache says it: production redirects plain HTTP.
    .request =
        "GET /api/v1/now HTTP/1.1"
        "Host: localhost"
        "User-Agent: varnish-probe"
        "X-Forwarded-Proto: https"
        "Connection: close";
    .expected_response = 200;
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

backend app1 {
    .host = "app1";
    .port = "8000";
    .probe = origin_health;
    .connect_timeout = 1s;
    .first_byte_timeout = 5s;
    .between_bytes_timeout = 5s;
}

backend app2 {
    .host = "app2";
    .port = "8000";
    .probe = origin_health;
    .connect_timeout = 1s;
    .first_byte_timeout = 5s;
    .between_bytes_timeout = 5s;
}

backend pages1 {
    .host = "pages1";
    .port = "8000";
    .probe = origin_health;
    .connect_timeout = 1s;
    .first_byte_timeout = 5s;
    .between_bytes_timeout = 5s;
}

sub vcl_init {
    new origin = directors.round_robin();
    origin.add_backend(app1);
    origin.add_backend(app2);
    new pages = directors.round_robin();
    pages.add_backend(pages1);
}
