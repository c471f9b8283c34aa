from django.urls import path

from blog import feeds, views

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post_list"),
    path("feed/", feeds.LatestPostsFeed(), name="feed"),
    path("feed/atom/", feeds.LatestPostsAtomFeed(), name="feed_atom"),
    path("<slug:slug>/", views.post_detail, name="post_detail"),
    path("<slug:slug>/comments/feed/", feeds.PostCommentsFeed(), name="comments_feed"),
]
