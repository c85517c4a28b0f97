language-name = Русский
og-locale = ru_RU
site-title = Ассамблея народов
site-description = Новости, соглашения и встречи международной общественной ассамблеи
skip-to-content = Перейти к содержанию
main-navigation = Основная навигация
language-switcher-label = Язык
translation-missing = перевода нет
translations-label = Этот материал на других языках
nav-home = Главная
latest-reports = Последние материалы
reports-count = { $count ->
    [one] { $count } материал
    [few] { $count } материала
   *[many] { $count } материалов
}
page-number = Страница { $number }
pager-label = Страницы
pager-prev = Назад
pager-next = Дальше
taxonomy-tags = Темы
source-label = Источник
updated-on = обновлено { $date }
machine-translated-notice = Этот текст переведён автоматически и может содержать неточности.
machine-translated-badge = машинный перевод
fallback-notice = { $source ->
    [en] Этот материал ещё не переведён на русский язык. Ниже — текст на английском.
    [kk] Этот материал ещё не переведён на русский язык. Ниже — текст на казахском.
    [uz] Этот материал ещё не переведён на русский язык. Ниже — текст на узбекском.
   *[other] Этот материал ещё не переведён на русский язык. Ниже — текст на языке оригинала.
}
not-found-title = Страница не найдена
not-found-text = Возможно, адрес набран с ошибкой или материал был перемещён.
back-home = На главную
choose-language = Выберите язык
feed-label = Лента Atom
footer-text = Материалы можно использовать со ссылкой на источник.
redirect-notice = Материал переехал по новому адресу
archive-title = Архив
archive-years = Годы
search-title = Поиск
search-label = Слово или фраза
search-button = Найти
search-noscript = Поиску нужен JavaScript. Материалы можно найти в архиве и по темам.
search-no-results = Ничего не найдено.
search-results = { $count ->
    [one] Найден { $count } материал
    [few] Найдено { $count } материала
   *[many] Найдено { $count } материалов
}

# Shown over the page in `dastan serve` when a save breaks the site.
serve-errors = В последнем сохранении есть ошибки; ниже показана предыдущая версия.
