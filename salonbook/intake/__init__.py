"""What every request meets before a route: bounded bodies and websocket messages, one
credential per request, refusals shaped like the route's own errors."""
