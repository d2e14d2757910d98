"""Hand-written WordPress posts, the way real sites store them: several eras and many block types, with
alignment, colours, classes, anchors, unknown attributes, containers, raw HTML and freeform content.
Shared by the gutenberg format tests and the editor-validity tests."""

# ruff: noqa: E501, RUF001  (posts are kept exactly as WordPress stores them, one block line per line)

from __future__ import annotations

NEWSROOM_POST = """<!-- wp:paragraph {"style":{"typography":{"textAlign":"right"}},"backgroundColor":"pale-cyan-blue","fontSize":"large","className":"lede","cmsbridgeUnknown":{"x":1}} -->
<p class="has-text-align-right lede has-pale-cyan-blue-background-color has-background has-large-font-size">Troops moved <strong>overnight</strong> towards <a href="https://example.com/map?a=1&amp;b=2">the capital</a>.</p>
<!-- /wp:paragraph -->

<!-- wp:heading {"level":3,"anchor":"background","textColor":"vivid-red"} -->
<h3 id="background" class="wp-block-heading has-vivid-red-color has-text-color">Background</h3>
<!-- /wp:heading -->

<!-- wp:embed {"url":"https://www.youtube.com/watch?v=E4AD6mOZm9I","type":"video","providerNameSlug":"youtube","responsive":true,"align":"wide","className":"wp-embed-aspect-16-9 wp-has-aspect-ratio"} -->
<figure class="wp-block-embed alignwide is-type-video is-provider-youtube wp-block-embed-youtube wp-embed-aspect-16-9 wp-has-aspect-ratio"><div class="wp-block-embed__wrapper">
https://www.youtube.com/watch?v=E4AD6mOZm9I
</div><figcaption class="wp-element-caption">Footage from <em>AP</em></figcaption></figure>
<!-- /wp:embed -->

<!-- wp:quote {"className":"is-style-large"} -->
<blockquote class="wp-block-quote is-style-large"><!-- wp:paragraph -->
<p>“Ethnic cleansing” had been reported in villages.</p>
<!-- /wp:paragraph -->

<!-- wp:paragraph {"fontSize":"small"} -->
<p class="has-small-font-size">Second paragraph of the quote.</p>
<!-- /wp:paragraph --><cite>Sergei Lavrov</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:pullquote {"textAlign":"left"} -->
<figure class="wp-block-pullquote has-text-align-left"><blockquote><p>Pull me</p><cite>Someone</cite></blockquote></figure>
<!-- /wp:pullquote -->

<!-- wp:group {"layout":{"type":"constrained"},"backgroundColor":"light-gray"} -->
<div class="wp-block-group has-light-gray-background-color has-background"><!-- wp:paragraph -->
<p>Inside a group.</p>
<!-- /wp:paragraph --></div>
<!-- /wp:group -->

<!-- wp:columns -->
<div class="wp-block-columns"><!-- wp:column -->
<div class="wp-block-column"><!-- wp:paragraph -->
<p>Left</p>
<!-- /wp:paragraph --></div>
<!-- /wp:column -->

<!-- wp:column -->
<div class="wp-block-column"><!-- wp:image {"id":7,"sizeSlug":"medium"} -->
<figure class="wp-block-image size-medium"><img src="https://example.com/m.jpg" alt="A map" class="wp-image-7"/></figure>
<!-- /wp:image --></div>
<!-- /wp:column --></div>
<!-- /wp:columns -->

<!-- wp:list {"className":"sources"} -->
<ul class="wp-block-list sources"><!-- wp:list-item -->
<li>BBC</li>
<!-- /wp:list-item -->

<!-- wp:list-item -->
<li>AP<!-- wp:list {"ordered":true} -->
<ol class="wp-block-list"><!-- wp:list-item -->
<li>video</li>
<!-- /wp:list-item --></ol>
<!-- /wp:list --></li>
<!-- /wp:list-item --></ul>
<!-- /wp:list -->

<!-- wp:image {"id":12,"sizeSlug":"large","linkDestination":"custom","align":"center"} -->
<figure class="wp-block-image aligncenter size-large"><a href="https://example.com/full.jpg"><img src="https://example.com/a.jpg" alt="Tanks" class="wp-image-12"/></a><figcaption class="wp-element-caption">Tanks near <strong>Gori</strong></figcaption></figure>
<!-- /wp:image -->

<!-- wp:separator {"className":"is-style-dots"} -->
<hr class="wp-block-separator has-alpha-channel-opacity is-style-dots"/>
<!-- /wp:separator -->

<!-- wp:html -->
<div class="ad-slot" data-slot="mid"><script>load()</script></div>
<!-- /wp:html -->

<!-- wp:paragraph {"anchor":"update-2318-paris-time","className":"update-marker"} -->
<p class="update-marker" id="update-2318-paris-time"><strong>UPDATE: 23:18 Paris time</strong></p>
<!-- /wp:paragraph -->

<!-- wp:paragraph -->
<p>Can’t help but agree with this comment <sup>1</sup> at <time datetime="2026-05-06T23:20:00+02:00">23:20</time>.</p>
<!-- /wp:paragraph -->

<!-- wp:acme/poll {"question":"Will it last?"} /-->"""

LEGACY_POST = """<!-- wp:core/paragraph {"align":"center","customTextColor":"#ff0000"} -->
<p style="color:#ff0000;text-align:center" class="has-text-color">Old-style paragraph.</p>
<!-- /wp:core/paragraph -->

<!-- wp:core-embed/youtube {"url":"https://www.youtube.com/watch?v=dQw4w9WgXcQ","type":"video","providerNameSlug":"youtube","className":"wp-embed-aspect-16-9 wp-has-aspect-ratio"} -->
<figure class="wp-block-embed-youtube wp-block-embed is-type-video is-provider-youtube wp-embed-aspect-16-9 wp-has-aspect-ratio"><div class="wp-block-embed__wrapper">
https://www.youtube.com/watch?v=dQw4w9WgXcQ
</div><figcaption>Old caption</figcaption></figure>
<!-- /wp:core-embed/youtube -->

<!-- wp:core/quote -->
<blockquote class="wp-block-quote"><p>One.</p><p>Two.</p><cite><a href="https://example.com/src">The source</a></cite></blockquote>
<!-- /wp:core/quote -->

<!-- wp:core/list {"ordered":true} -->
<ol><li>first</li><li>second<ul><li>nested</li></ul></li></ol>
<!-- /wp:core/list -->

<!-- wp:core/separator -->
<hr class="wp-block-separator" />
<!-- /wp:core/separator -->

<!-- wp:heading -->
<h2 id="update-1800">Update - 18:00 London time</h2>
<!-- /wp:heading -->

<p>Classic freeform paragraph between blocks.</p>

<!-- wp:core/image {"align":"center"} -->
<div class="wp-block-image"><figure class="aligncenter"><img src="https://example.com/old.png" alt="" /><figcaption>Centered</figcaption></figure></div>
<!-- /wp:core/image -->
"""

ODD_WHITESPACE_POST = (
    "\n<!-- wp:paragraph -->\n<p>a</p>\n<!-- /wp:paragraph -->"
    '<!-- wp:separator -->\n<hr class="wp-block-separator has-alpha-channel-opacity"/>\n<!-- /wp:separator -->\n'
    "\n\n<!-- wp:paragraph -->\n<p>b</p>\n<!-- /wp:paragraph -->\n \t\n"
)

REAL_POSTS = {"newsroom": NEWSROOM_POST, "legacy": LEGACY_POST, "odd-whitespace": ODD_WHITESPACE_POST}
