"""Who is calling the API: a platform's client, or a person in a browser."""


def client_of(request):
    """Return the API client that authenticated `request` (what the token authentication gave
    as `request.auth`), or None for a browser user, whose session gives no auth object."""
    return getattr(request, "_auth", None)  # read without running authentication again
