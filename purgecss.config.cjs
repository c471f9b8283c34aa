// PurgeCSS settings for shop/static/shop/css/storefront.css: Oscar's storefront
// stylesheet (Bootstrap 4 and Oscar's rules) cut down to the rules that the shop's
// pages can use. `make storefront-css` runs it (shop/storefront_css.py), with
// OSCAR_DIR and DJANGO_DIR set to the installed django-oscar and Django packages.
// Oscar's dashboard keeps its own stylesheet and is not covered here.
const oscar = process.env.OSCAR_DIR;
const django = process.env.DJANGO_DIR;

module.exports = {
  css: [`${oscar}/static/oscar/css/styles.css`],
  content: [
    // Templates: ours and Oscar's storefront (not its dashboard).
    "templates/**/*.html",
    `${oscar}/templates/oscar/**/*.html`,
    `${oscar}/templates/flatpages/**/*.html`,
    // Python that puts classes on form widgets and in tag output.
    "{shop,blog,newsletter}/**/{forms,widgets}.py",
    "{shop,blog,newsletter}/**/templatetags/*.py",
    `${oscar}/forms/**/*.py`,
    `${oscar}/templatetags/**/*.py`,
    `${oscar}/apps/*/forms.py`,
    `${oscar}/apps/partner/availability.py`, // availability codes become classes
    `${django}/forms/**/*.{py,html}`, // error lists, help texts
    // Scripts the pages load: the classes they add and remove.
    `${oscar}/static/oscar/js/bootstrap4/bootstrap.bundle.min.js`,
    `${oscar}/static/oscar/js/oscar/ui.js`,
    `${oscar}/static/oscar/js/bootstrap4-datetimepicker/tempusdominus-bootstrap-4.min.js`, // account: order list
    "{shop,blog,newsletter}/**/static/**/*.js",
  ],
  skippedContentGlobs: [`${oscar}/templates/oscar/dashboard/**`, "templates/oscar/dashboard/**"],
  keyframes: true,
  safelist: {
    standard: [
      // Classes scripts add and remove, or that templates build from variables.
      "show", "showing", "hide", "collapse", "collapsing", "fade", "active", "disabled",
      "was-validated", "is-valid", "is-invalid", "valid-feedback", "invalid-feedback",
      // Django's form field ids: id_<field name>.
      /^id_/,
      /^alert-/, /^dropdown-/, /^modal-/, /^carousel-/, /^(bs-)?tooltip/, /^(bs-)?popover/,
      // Elements an article's Markdown can produce.
      /^h[1-6]$/, "p", "a", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre",
      "code", "kbd", "hr", "img", "figure", "figcaption", "em", "strong", "small", "sub",
      "sup", "abbr", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    ],
  },
};
