language-name = Oʻzbekcha
og-locale = uz_UZ
site-title = Xalqlar assambleyasi
site-description = Xalqaro jamoat assambleyasining yangiliklari, kelishuvlari va uchrashuvlari
skip-to-content = Asosiy mazmunga oʻtish
main-navigation = Asosiy navigatsiya
language-switcher-label = Til
translation-missing = tarjimasi yoʻq
translations-label = Bu material boshqa tillarda
nav-home = Bosh sahifa
latest-reports = Soʻnggi materiallar
reports-count = { $count ->
    [one] { $count } ta material
   *[other] { $count } ta material
}
page-number = { $number }-sahifa
pager-label = Sahifalar
pager-prev = Orqaga
pager-next = Keyingi
taxonomy-tags = Mavzular
source-label = Manba
updated-on = yangilangan: { $date }
machine-translated-notice = Ushbu matn avtomatik tarzda tarjima qilingan va noaniqliklar boʻlishi mumkin.
machine-translated-badge = mashina tarjimasi
fallback-notice = { $source ->
    [ru] Bu material hali oʻzbek tiliga tarjima qilinmagan. Quyida — rus tilidagi matn.
    [en] Bu material hali oʻzbek tiliga tarjima qilinmagan. Quyida — ingliz tilidagi matn.
    [kk] Bu material hali oʻzbek tiliga tarjima qilinmagan. Quyida — qozoq tilidagi matn.
   *[other] Bu material hali oʻzbek tiliga tarjima qilinmagan. Quyida — asl tildagi matn.
}
not-found-title = Sahifa topilmadi
not-found-text = Manzil xato yozilgan yoki material boshqa joyga koʻchirilgan boʻlishi mumkin.
back-home = Bosh sahifaga
choose-language = Tilni tanlang
feed-label = Atom lentasi
footer-text = Materiallardan manbaga havola bilan foydalanish mumkin.
redirect-notice = Material yangi manzilga koʻchirildi
archive-title = Arxiv
archive-years = Yillar
search-title = Qidiruv
search-label = Soʻz yoki ibora
search-button = Topish
search-noscript = Qidiruv uchun JavaScript kerak. Materiallarni arxivdan va mavzular boʻyicha topish mumkin.
search-no-results = Hech narsa topilmadi.
search-results = { $count ->
    [one] { $count } ta material topildi
   *[other] { $count } ta material topildi
}

# Shown over the page in `dastan serve` when a save breaks the site.
serve-errors = Oxirgi saqlashda xatolar bor; quyida oldingi versiya koʻrsatilgan.
