"""What every request meets before a route: bounded bodies and websocket messages, one
credential per request, the media type its answer is sent in, refusals shaped like the route's
own errors."""
