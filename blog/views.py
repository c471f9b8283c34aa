from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import ListView

from blog.antispam import comments_written_here, remember_comment_written
from blog.caching import THREAD_CACHE_SECONDS, comments_version
from blog.embeds import body_with_products
from blog.forms import CommentForm
from blog.models import Comment, Post, thread
from blog.services import submit_comment
from shop.core.client import client_address
from shop.core.ratelimit import client_limited

COMMENTER_COOKIE = "comment_author"
PREVIEW_SALT = "blog.comment-preview"


class PostListView(ListView):
    paginate_by = 10
    template_name = "blog/post_list.html"

    def get_queryset(self):
        # Per request: "published" compares with the time now, not the server's start.
        return Post.objects.published().select_related("author")


def post_detail(request, slug):
    post = get_object_or_404(Post.objects.published().select_related("author"), slug=slug)
    rate_limited = False
    if request.method == "POST":
        if client_limited(request, "blog.comment"):
            # Shown again, unchecked and unsaved, so nothing the visitor typed is lost.
            rate_limited = True
            form = CommentForm(post=post, initial=request.POST.dict())
            status = 429
        else:
            form = CommentForm(request.POST, post=post)
            if form.is_valid():
                return _comment_posted(request, form)
            status = 400
    else:
        form = CommentForm(post=post, initial={"parent": request.GET.get("replytocom")})
        status = 200

    preview_id = _preview_id(request)
    comments = CommentThread(post, preview_id=preview_id)
    context = {
        "post": post,
        "body_parts": body_with_products(post),
        "comments": comments,
        # A visitor previewing their held comment sees a thread no one else does: not cached.
        "comments_cache_seconds": 0 if preview_id else THREAD_CACHE_SECONDS,
        "comments_version": None if preview_id else comments_version(post.pk),
        "form": form,
        "rate_limited": rate_limited,
        "replying_to": _replying_to(form, comments),
    }
    return render(request, "blog/post_detail.html", context, status=status)


class CommentThread:
    """The comments shown under a post, threaded. They are read from the database
    only when the page renders them, not when the thread comes from the cache."""

    def __init__(self, post: Post, *, preview_id: int | None):
        self.post = post
        self.preview_id = preview_id

    @cached_property
    def all(self) -> list[Comment]:
        return list(Comment.objects.for_page(self.post, preview_id=self.preview_id))

    @cached_property
    def top_level(self) -> list[Comment]:
        return thread(self.all)

    @property
    def approved_count(self) -> int:
        return sum(c.status == Comment.Status.APPROVED for c in self.all)

    def __iter__(self):
        return iter(self.top_level)

    def __bool__(self) -> bool:
        return bool(self.top_level)


def _comment_posted(request, form):
    data = form.cleaned_data
    comment = submit_comment(
        post=form.post,
        parent=data["parent"],
        author_name=data["name"],
        email=data["email"],
        website=data["website"],
        body=data["comment"],
        ip_address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        by_staff=request.user.is_staff,
        written_here=comments_written_here(request),
    )
    url = form.post.get_absolute_url()
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, _("Thank you, your comment is published."))
    else:
        messages.info(request, _("Thank you, your comment is awaiting moderation."))
        url += "?" + urlencode({"unapproved": signing.dumps(comment.pk, salt=PREVIEW_SALT)})
    response = redirect(f"{url}#comment-{comment.pk}")
    remember_comment_written(request, response, comment.pk)
    if data["remember"]:
        # Read by the page's script to fill the form in; never rendered by the server.
        details = {"name": data["name"], "email": data["email"], "url": data["website"]}
        response.set_cookie(
            COMMENTER_COOKIE,
            quote(urlencode(details), safe=""),
            max_age=365 * 24 * 60 * 60,
            secure=not settings.DEBUG,
            samesite="Lax",
        )
    else:
        response.delete_cookie(COMMENTER_COOKIE, samesite="Lax")
    return response


def _preview_id(request) -> int | None:
    """A commenter sees their own held comment once, through the signed link they were sent to."""
    try:
        return signing.loads(request.GET.get("unapproved", ""), salt=PREVIEW_SALT, max_age=3600)
    except signing.BadSignature:
        return None


def _replying_to(form, comments: CommentThread) -> Comment | None:
    """The comment the form answers (from ?replytocom= or the posted form), if it can be."""
    parent_id = form["parent"].value()
    if not parent_id:
        return None
    return next(
        (c for c in comments.all if str(c.pk) == str(parent_id) and c.accepts_replies),
        None,
    )
