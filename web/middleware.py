from django.utils.deprecation import MiddlewareMixin

from web import pages
from web.errors import Conflict, Invalid


class DomainErrorMiddleware(MiddlewareMixin):
    """A refusal that a page view did not catch gets its page instead of a server error.

    (``Forbidden`` needs nothing here: it is a ``PermissionDenied``, which Django sends to the
    403 handler itself.) API views catch refusals in their own exception handler first.
    """

    def process_exception(self, request, exception):
        if isinstance(exception, Conflict):
            return pages.conflict(request, exception.message)
        if isinstance(exception, Invalid):
            return pages.bad_request(request, exception)
        return None
