language-name = English
og-locale = en_US
site-title = Assembly of Peoples
site-description = News, agreements and meetings of an international civic assembly
skip-to-content = Skip to content
main-navigation = Main navigation
language-switcher-label = Language
translation-missing = no translation
translations-label = This report in other languages
nav-home = Home
latest-reports = Latest reports
reports-count = { $count ->
    [one] { $count } report
   *[other] { $count } reports
}
page-number = Page { $number }
pager-label = Pages
pager-prev = Previous
pager-next = Next
taxonomy-tags = Topics
source-label = Source
updated-on = updated { $date }
machine-translated-notice = This text was translated automatically and may contain inaccuracies.
machine-translated-badge = machine translation
fallback-notice = { $source ->
    [ru] This report has not been translated into English yet. The text below is in Russian.
    [kk] This report has not been translated into English yet. The text below is in Kazakh.
    [uz] This report has not been translated into English yet. The text below is in Uzbek.
   *[other] This report has not been translated into English yet. The text below is in the original language.
}
not-found-title = Page not found
not-found-text = The address may be mistyped, or the page may have moved.
back-home = Go to the home page
choose-language = Choose a language
feed-label = Atom feed
footer-text = Materials may be reused with a link to the source.
redirect-notice = This page has moved to a new address
archive-title = Archive
archive-years = Years
search-title = Search
search-label = A word or a phrase
search-button = Search
search-noscript = Search needs JavaScript. You can find reports in the archive and by topic.
search-no-results = Nothing found.
search-results = { $count ->
    [one] { $count } report found
   *[other] { $count } reports found
}

# Shown over the page in `dastan serve` when a save breaks the site.
serve-errors = The last save has errors; the previous version is shown below.
