"""Tags of our overrides of Oscar's dashboard templates."""

from django import template

register = template.Library()


@register.tag
def actions_menu(parser, token):
    """A list row's Actions menu around its links:

        {% actions_menu offer.name %}
            <a class="dropdown-item" href="...">Edit</a>
        {% end_actions_menu %}

    Its button names the row for a screen reader, and no id repeats from row to row
    (Oscar's menus give every row the same one)."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("actions_menu takes the row's name")
    items = parser.parse(("end_actions_menu",))
    parser.delete_first_token()
    return ActionsMenuNode(parser.compile_filter(bits[1]), items)


class ActionsMenuNode(template.Node):
    def __init__(self, name, items):
        self.name, self.items = name, items

    def render(self, context):
        menu = context.template.engine.get_template("oscar/dashboard/partials/actions_menu.html")
        with context.push(name=self.name.resolve(context), items=self.items.render(context)):
            return menu.render(context)
