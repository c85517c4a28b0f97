language-name = Қазақша
og-locale = kk_KZ
site-title = Халықтар ассамблеясы
site-description = Халықаралық қоғамдық ассамблеяның жаңалықтары, келісімдері мен кездесулері
skip-to-content = Мазмұнға өту
main-navigation = Негізгі навигация
language-switcher-label = Тіл
translation-missing = аудармасы жоқ
translations-label = Бұл материал басқа тілдерде
nav-home = Басты бет
latest-reports = Соңғы материалдар
reports-count = { $count ->
    [one] { $count } материал
   *[other] { $count } материал
}
page-number = { $number }-бет
pager-label = Беттер
pager-prev = Артқа
pager-next = Әрі қарай
taxonomy-tags = Тақырыптар
source-label = Дереккөз
updated-on = жаңартылды: { $date }
machine-translated-notice = Бұл мәтін автоматты түрде аударылған, онда дәлсіздіктер болуы мүмкін.
machine-translated-badge = машиналық аударма
fallback-notice = { $source ->
    [ru] Бұл материал әлі қазақ тіліне аударылмаған. Төменде — орыс тіліндегі мәтін.
    [en] Бұл материал әлі қазақ тіліне аударылмаған. Төменде — ағылшын тіліндегі мәтін.
    [uz] Бұл материал әлі қазақ тіліне аударылмаған. Төменде — өзбек тіліндегі мәтін.
   *[other] Бұл материал әлі қазақ тіліне аударылмаған. Төменде — түпнұсқа тіліндегі мәтін.
}
not-found-title = Бет табылмады
not-found-text = Мекенжай қате терілген немесе материал басқа жерге ауыстырылған болуы мүмкін.
back-home = Басты бетке
choose-language = Тілді таңдаңыз
feed-label = Atom арнасы
footer-text = Материалдарды дереккөзге сілтеме жасай отырып пайдалануға болады.
redirect-notice = Материал жаңа мекенжайға көшірілді
archive-title = Мұрағат
archive-years = Жылдар
search-title = Іздеу
search-label = Сөз немесе сөз тіркесі
search-button = Табу
search-noscript = Іздеу үшін JavaScript қажет. Материалдарды мұрағаттан және тақырыптар бойынша табуға болады.
search-no-results = Ештеңе табылмады.
search-results = { $count ->
    [one] { $count } материал табылды
   *[other] { $count } материал табылды
}

# Shown over the page in `dastan serve` when a save breaks the site.
serve-errors = Соңғы сақтауда қателер бар; төменде алдыңғы нұсқасы көрсетілген.
