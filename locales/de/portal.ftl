# Die Wörter des Mitgliederportals auf Deutsch: Meldung für Meldung wie locales/en/portal.ftl.
# Anrede: „Sie“.

## Gemeinsam

saved = Gespeichert.
back-to-sign-in = Zurück zur Anmeldung
back-to-profile = Zurück zu Ihrem Profil
check-mail-title = Sehen Sie in Ihr Postfach
members-count = { $count ->
    [one] { $count } Mitglied
   *[other] { $count } Mitglieder
}
pages = Seiten
pages-previous = Zurück
pages-next = Weiter
date-time = { $day }. { $month } { $year }, { $time } UTC
month-1 = Januar
month-2 = Februar
month-3 = März
month-4 = April
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = August
month-9 = September
month-10 = Oktober
month-11 = November
month-12 = Dezember
wait-seconds = { $count ->
    [one] { $count } Sekunde
   *[other] { $count } Sekunden
}
wait-minutes = { $count ->
    [one] { $count } Minute
   *[other] { $count } Minuten
}
wait-hours = { $count ->
    [one] { $count } Stunde
   *[other] { $count } Stunden
}

## Der Rahmen jeder Seite

layout-skip = Zum Inhalt springen
layout-nav = Hauptmenü
layout-my-profile = Mein Profil
layout-directory = Mitgliederverzeichnis
layout-sign-out = Abmelden

## Ein Formular einer anderen Website; ein Fehler

refused-title = Abgelehnt
refused-heading = Dieses Formular konnte nicht angenommen werden
refused-text = Es wurde nicht von einer Seite dieser Website gesendet, daher wurde nichts geändert.
refused-back = Gehen Sie zurück zu Ihrem Profil und versuchen Sie es erneut.
failed-title = Fehler
failed-heading = Etwas ist schiefgegangen
failed-nav = Wie es weitergeht
failed-to-profile = Ihr Profil
failed-to-directory = Das Mitgliederverzeichnis
failed-to-sign-in = Anmelden

## Fehler, wie ein Mitglied sie liest

error-validation = Einiges von dem, was gesendet wurde, wurde nicht angenommen: { $names }.
error-wrong-code = Der Code ist falsch oder wurde schon verwendet.
error-second-step-expired = Die Anmeldung hat zu lange gedauert: Geben Sie Ihr Passwort erneut ein.
error-wrong-credentials = Die E-Mail-Adresse oder das Passwort ist falsch.
error-link-or-token = Dieser Link oder Code funktioniert nicht mehr: Er wurde schon verwendet oder ist abgelaufen.
error-invalid-parameter = Die Suche konnte nicht gelesen werden ({ $name }).
error-two-step-setup-required = Ihr Space verlangt die Anmeldung in zwei Schritten: Richten Sie sie zuerst ein.
error-two-step-required = Die Anmeldung in zwei Schritten ist aktiv: Geben Sie den Code aus Ihrer Authenticator-App ein.
error-must-reset-password = Wählen Sie zuerst ein neues Passwort: Ihr Space hat darum gebeten.
error-unauthenticated = Melden Sie sich zuerst an.
error-forbidden = Das dürfen Sie hier nicht.
error-not-found = Hier gibt es nichts: Es wurde entfernt, oder die Adresse ist falsch.
error-conflict = Eine andere Änderung war schneller (die Adresse oder der Name ist jetzt vergeben); laden Sie neu und versuchen Sie es erneut.
error-precondition-failed = Ihr Profil wurde geändert, seit diese Seite geladen wurde; laden Sie sie neu und versuchen Sie es erneut.
error-locked = Zu viele falsche Passwörter: Die Passwortprüfung für dieses Konto ist gesperrt; versuchen Sie es in { $wait } erneut.
error-rate-limited = Zu viele Anmeldeversuche von Ihrer Adresse; versuchen Sie es in { $wait } erneut.
error-drafts-member = Sie haben Ihre KI-Entwürfe für diese Stunde aufgebraucht; versuchen Sie es in { $wait } erneut.
error-drafts-location = Dieser Standort hat seine KI-Entwürfe für heute aufgebraucht; versuchen Sie es in { $wait } erneut.
error-too-many-links = In der letzten Stunde wurden zu viele E-Mails für dieses Konto gesendet; versuchen Sie es später erneut.
error-too-many-messages = Sie haben vorerst so vielen Mitgliedern geschrieben wie erlaubt; versuchen Sie es in { $wait } erneut.
error-ai-failed = Der KI-Assistent konnte gerade keinen Entwurf schreiben; versuchen Sie es später erneut.
error-ai-timeout = Der KI-Assistent hat zu lange für eine Antwort gebraucht; versuchen Sie es später erneut.
error-unavailable = Der Dienst ist kurz nicht erreichbar; versuchen Sie es gleich noch einmal.
error-busy = Der Server ist mit anderen Passwortprüfungen beschäftigt; versuchen Sie es gleich noch einmal.
error-invalid = Das ging nicht: { $detail }
error-internal = Bei uns ist etwas schiefgegangen; es wurde protokolliert.
error-summary = { $outcome }: Bitte korrigieren Sie { $count ->
    [one] diesen Punkt
   *[other] diese Punkte
}

## Der Fehler eines Feldes

field-error-required = darf nicht leer sein
field-error-not-nullable = darf nicht leer sein
field-error-wrong-type = hat nicht die richtige Form
field-error-too-long = ist zu lang
field-error-control-characters = enthält Steuerzeichen
field-error-invalid-email = ist keine gültige E-Mail-Adresse
field-error-invalid-url = ist keine gültige http- oder https-Adresse
field-error-invalid-date = ist kein Datum
field-error-invalid-number = muss eine Zahl sein, etwa 12 oder 12,5
field-error-invalid-code = ist nicht der aktuelle Code
field-error-date-out-of-range = liegt außerhalb des erlaubten Zeitraums
field-error-invalid-phone = ist keine gültige Telefonnummer
field-error-invalid-choice = ist keine der möglichen Antworten
field-error-unknown-country = ist kein bekanntes Land
field-error-invalid-tax-id = darf nur Buchstaben, Ziffern, Leerzeichen und - . / enthalten
field-error-invalid-handle = ist kein gültiger Benutzername oder Link für dieses Netzwerk
field-error-tag-too-long = enthält ein zu langes Schlagwort
field-error-too-many-tags = enthält zu viele Schlagwörter
field-error-not-writable = kann nur das Team Ihres Spaces ändern
field-error-password-mismatch = stimmt nicht mit dem neuen Passwort überein
field-error-password-required = bitte wählen Sie ein neues Passwort
field-error-wrong-current-password = ist nicht Ihr aktuelles Passwort
field-error-password-too-short = ist für die Regeln dieses Standorts zu kurz
field-error-password-too-long = ist zu lang
field-error-password-too-common = ist zu verbreitet und leicht zu erraten
field-error-password-too-weak = ist zu leicht zu erraten: länger ist besser
field-error-password-contains-email = darf Ihre E-Mail-Adresse nicht enthalten
field-error-password-contains-name = darf Ihren Namen nicht enthalten
field-error-password-unchanged = muss sich vom aktuellen Passwort unterscheiden
field-error-password-needs = erfüllt nicht alle Regeln dieses Standorts (Ziffer, Groß- und Kleinbuchstabe oder Sonderzeichen)
field-error-ai-unavailable = KI-Entwürfe sind an diesem Standort ausgeschaltet.
field-error-not-enough-to-draft = Für einen Entwurf fehlen Angaben: Füllen Sie zuerst Ihr berufliches Profil aus.
field-error-invalid-link = Dieser Link funktioniert nicht mehr; fordern Sie einen neuen an
field-error-email-unchanged = ist schon Ihre Anmeldeadresse
field-error-bio-too-complex = ist zu verschachtelt oder zu groß zum Anzeigen
field-error-unsupported-image = muss ein JPEG-, PNG- oder WebP-Bild sein
field-error-invalid-image = konnte nicht als Bild gelesen werden
field-error-image-too-large = ist zu groß: höchstens 10 MiB und 8000 Pixel pro Seite
field-error-other = wurde nicht angenommen

## Die Angaben des Profils, als Beschriftungen

field-full-name = Vollständiger Name
field-salutation = Anrede
field-nick-name = Spitzname
field-gender = Geschlecht
field-date-of-birth = Geburtsdatum
field-mobile-phone = Mobiltelefon
field-land-line = Festnetz
field-address = Adresse
field-post-code = Postleitzahl
field-city-name = Ort
field-state = Bundesland oder Region
field-country-id = Land
field-billing-name = Rechnungsname
field-billing-email = Rechnungs-E-Mail
field-billing-address = Rechnungsadresse
field-billing-post-code = Postleitzahl (Rechnung)
field-billing-city-name = Ort (Rechnung)
field-billing-state = Bundesland oder Region (Rechnung)
field-billing-country-id = Land (Rechnung)
field-tax-idnumber = Steuernummer
field-position = Position
field-company-name = Firma
field-business-area = Branche
field-profile-summary = Über mich (Markdown)
field-profile-website = Website
field-profile-is-public = Mich im Mitgliederverzeichnis zeigen
field-profile-tags = Schlagwörter (durch Kommas getrennt)
field-on-help-desk-msg = Antworten auf meine Anfragen an den Helpdesk
field-on-new-wall-post = Neue Beiträge an der Community-Pinnwand
field-on-new-blog-comment = Kommentare zu Blogbeiträgen
field-on-new-event-comment = Kommentare zu Veranstaltungen
field-receive-community-digest = Die Community-Übersicht
field-sign-up-to-newsletter = Der Newsletter
field-is-member = Mitglied (nicht nur Kontakt)
field-access-pincode = Zugangs-PIN

## Eingaben

form-choose = Bitte wählen…
form-required = (Pflichtfeld)
form-yes = Ja
form-no = Nein
form-gender-male = Männlich
form-gender-female = Weiblich
form-gender-other = Divers
form-gender-rather-not-say = Keine Angabe

## Anmeldung

signin-title = Anmelden
signin-email = E-Mail-Adresse
signin-password = Passwort
signin-button = Anmelden
signin-password-set = Ihr Passwort ist gesetzt. Melden Sie sich damit an.
signin-incorrect = Die E-Mail-Adresse oder das Passwort ist falsch.
signin-link-intro = Kein Passwort zur Hand? Wir senden Ihnen einen Link, der Sie einmal anmeldet.
signin-link-button = Anmeldelink per E-Mail senden
signin-forgot = Passwort vergessen?
signin-code-label = Code aus Ihrer Authenticator-App
signin-code-hint = Sechs Ziffern; oder einer Ihrer Wiederherstellungscodes, wenn Sie Ihr Telefon nicht haben.
signin-start-again = Von vorn beginnen
signin-one-time-expired = Dieser Anmeldelink funktioniert nicht mehr: Er wurde schon verwendet oder ist zu alt. Melden Sie sich erneut an.
signin-link-page = Melden Sie sich mit dem Link aus Ihrer E-Mail an. Er funktioniert einmal.
signin-link-expired = Dieser Anmeldelink funktioniert nicht mehr: Er wurde schon verwendet, durch einen neueren ersetzt oder ist abgelaufen.
signin-link-sent = Wenn { $email } zu einem Mitglied gehört, ist ein Anmeldelink unterwegs. Er funktioniert einmal, 15 Minuten lang.
email-problem = Die E-Mail-Adresse { $problem }.

## Passwort vergessen, zurücksetzen, willkommen

forgot-title = Passwort vergessen?
forgot-intro = Geben Sie die E-Mail-Adresse an, mit der Sie sich anmelden; wir senden Ihnen einen Link, um ein neues Passwort zu wählen.
forgot-send = Link senden
forgot-sent = Wenn { $email } zu einem Mitglied gehört, ist ein Link zum Wählen eines neuen Passworts unterwegs. Er funktioniert einmal, eine Stunde lang.
forgot-too-many = Zu viele Anfragen. Versuchen Sie es in { $wait } erneut.
reset-title = Neues Passwort wählen
reset-intro = Damit werden Sie auf allen Geräten abgemeldet.
welcome-title = Willkommen: Wählen Sie Ihr Passwort
welcome-intro = Sie melden sich mit Ihrer E-Mail-Adresse und diesem Passwort an.
password-for = Das Passwort gilt für die Adresse
link-expired = Dieser Link funktioniert nicht mehr: Er wurde schon verwendet, durch einen neueren ersetzt oder ist abgelaufen.
link-ask-new = Einen neuen Link anfordern.
password-set-button = Passwort festlegen
password-current = Aktuelles Passwort
password-new = Neues Passwort
password-repeat = Neues Passwort wiederholen

## Eine Adressänderung bestätigen oder rückgängig machen

confirm-email-title = Neue E-Mail-Adresse bestätigen
confirm-email-text = Ab jetzt melden Sie sich mit dieser Adresse an.
confirm-email-button = Bestätigen
confirm-email-done = Sie melden sich jetzt mit { $email } an.
undo-email-title = Änderung Ihrer E-Mail-Adresse rückgängig machen
undo-email-text = Ihre bisherige Adresse wird wiederhergestellt, und jede Sitzung Ihres Kontos endet: Melden Sie sich erneut an, und ändern Sie Ihr Passwort, falls jemand anderes es kannte.
undo-email-button = Änderung rückgängig machen
undo-email-done = Ihre bisherige Adresse gilt wieder, und jede Sitzung wurde beendet. Melden Sie sich erneut an.
email-link-done = Erledigt
email-link-broken = Dieser Link funktioniert nicht
email-link-broken-text = Er wurde schon verwendet, durch einen neueren ersetzt oder ist abgelaufen.

## Die Profilseite

profile-title = Mein Profil
profile-heading = Mein Profil
profile-at = Profil bei
profile-switch-to = Wechseln zu
profile-switch = Wechseln
profile-contents = Auf dieser Seite
profile-conflict = Ihr Profil wurde anderswo geändert, seit diese Seite geladen wurde, daher wurde nichts gespeichert. Ihre Eingaben stehen noch unten.
profile-conflict-reload = Seite neu laden
profile-no-such-section = Diesen Abschnitt gibt es nicht.
profile-choose-one = Wählen Sie eines Ihrer Profile.
profile-not-yours = Dieses Profil gehört nicht Ihnen.
profile-not-saved = Nichts wurde gespeichert
profile-personal-title = Persönliche Angaben
profile-personal-save = Persönliche Angaben speichern
profile-professional-title = Berufliches Profil
profile-professional-save = Berufliches Profil speichern
profile-billing-title = Rechnungsangaben
profile-billing-save = Rechnungsangaben speichern
profile-notifications-title = Benachrichtigungen
profile-notifications-save = Benachrichtigungen speichern
profile-access-title = Zugang
profile-more-title = Mehr über Sie
profile-more-save = Antworten speichern
profile-more-hint = Fragen von { $location }.
profile-set-by = (festgelegt von { $location })
profile-password-title = Passwort
profile-password-save = Passwort ändern
profile-password-changed = Ihr Passwort wurde geändert. Ihre anderen Geräte wurden abgemeldet.
profile-password-rules = Regeln bei { $location }: { $rules }.
profile-access-pin = Ihre Zugangs-PIN, festgelegt von { $location }:
profile-two-step = Anmeldung in zwei Schritten (nach dem Passwort ein Code aus einer Authenticator-App):
profile-two-step-link = einrichten oder verwalten.
profile-draft-button = Mit KI entwerfen
profile-draft-hint = Schreibt einen Entwurf Ihrer Zusammenfassung aus Ihrem gespeicherten beruflichen Profil und Ihren sozialen Netzwerken (speichern Sie Ihre Änderungen zuerst). Gespeichert wird erst, wenn Sie speichern.
profile-draft-written = Ein Entwurf steht unten in „{ $field }“, geschrieben aus: { $sources }. Noch ist nichts gespeichert: Prüfen und bearbeiten Sie ihn, dann speichern Sie.
profile-draft-failed = Kein Entwurf: { $reason } Es wurde nichts geändert.
profile-preview-failed = Die Vorschau ist nicht möglich: Der Text ist zu verschachtelt oder zu lang.
password-rule-length = { $min } bis { $max } Zeichen
password-rule-strength = Stärke mindestens { $score } von { $max }
password-rule-common = verbreitete Passwörter abgelehnt
password-rule-personal = Ihre E-Mail-Adresse und Ihr Name abgelehnt
password-rule-digit = eine Ziffer nötig
password-rule-upper = ein Großbuchstabe nötig
password-rule-lower = ein Kleinbuchstabe nötig
password-rule-symbol = ein Sonderzeichen nötig
password-rule-two-step = Anmeldung in zwei Schritten nötig

## Die Fotos des Profils

photos-title = Fotos
photos-hint = JPEG, PNG oder WebP, bis { $size } MiB. Fotos werden auf die Mitte zugeschnitten; der Aufnahmeort und andere Angaben, die eine Kamera in einem Foto speichert, werden entfernt. Andere Mitglieder sehen Ihr Foto im Verzeichnis nur, solange Ihr Profil dort gezeigt wird.
photos-not-saved = Nichts wurde gespeichert: { $reason }
photos-avatar-label = Profilfoto
photos-avatar-alt = Ihr Profilfoto
photos-avatar-upload = Profilfoto hochladen
photos-avatar-remove = Profilfoto entfernen
photos-banner-label = Banner
photos-banner-alt = Ihr Banner
photos-banner-upload = Banner hochladen
photos-banner-remove = Banner entfernen
photos-unsupported = Diese Datei ist kein JPEG-, PNG- oder WebP-Bild.
photos-too-large = Dieses Bild ist zu groß: höchstens 10 MiB und 8000 Pixel pro Seite.
photos-empty = Wählen Sie zuerst eine Datei.
photos-unreadable = Diese Datei konnte nicht als Bild gelesen werden.
photos-unreadable-upload = Der Upload konnte nicht gelesen werden.
photos-no-such-photo = Dieses Foto gibt es nicht.

## Die Anmeldeadresse

email-title = Anmelde-E-Mail
email-new = Neue E-Mail-Adresse
email-current = Sie melden sich an mit
email-hint = Die neue Adresse gilt, sobald Sie dem Link folgen, der an sie gesendet wird; Ihre aktuelle Adresse erhält einen Link, der die Änderung rückgängig macht.
email-requested = Ein Link zum Bestätigen der neuen Adresse ist an sie unterwegs. Bis Sie ihm folgen, melden Sie sich mit Ihrer aktuellen Adresse an.
email-not-sent = Es wurde kein Link gesendet
email-send = Bestätigungslink senden

## Die Sprache des Mitglieds

language-title = Sprache
language-label = Sprache Ihrer Seiten und E-Mails
language-browser = Wie mein Browser es wünscht
language-hint = Ohne Auswahl folgen die Seiten der Sprache Ihres Browsers, und E-Mails kommen in der Sprache des Spaces.
language-save = Sprache speichern

## Anmeldung in zwei Schritten

two-step-title = Anmeldung in zwei Schritten
two-step-turned-off = Die Anmeldung in zwei Schritten ist aus. Ihre anderen Geräte wurden abgemeldet.
two-step-on = An
two-step-on-text = Bei der Anmeldung wird nach dem Passwort ein Code aus Ihrer Authenticator-App abgefragt. { $count ->
    [one] Sie haben noch { $count } Wiederherstellungscode.
   *[other] Sie haben noch { $count } Wiederherstellungscodes.
}
two-step-code-or-recovery = Ein Code aus Ihrer App oder ein Wiederherstellungscode
two-step-turn-off = Anmeldung in zwei Schritten ausschalten
two-step-off = Aus
two-step-off-text = Mit der Anmeldung in zwei Schritten reicht ein gestohlenes Passwort nicht: Die Anmeldung fragt zusätzlich nach einem sechsstelligen Code aus einer Authenticator-App auf Ihrem Telefon (jede App, die QR-Codes liest).
two-step-set-up = Anmeldung in zwei Schritten einrichten
two-step-setup = Einrichten
two-step-scan = Scannen Sie diesen Code mit Ihrer Authenticator-App:
two-step-qr = QR-Code Ihres Geheimnisses für die Anmeldung in zwei Schritten
two-step-type-secret = Oder tippen Sie das Geheimnis in die App ein:
two-step-enter-code = Geben Sie dann den sechsstelligen Code ein, den die App zeigt
two-step-turn-on = Anmeldung in zwei Schritten einschalten
two-step-is-on = Die Anmeldung in zwei Schritten ist an
two-step-keep-codes = Bewahren Sie diese Wiederherstellungscodes sicher auf. Jeder meldet Sie einmal ohne Ihr Telefon an. Sie werden nur jetzt gezeigt.
two-step-download = Codes herunterladen
two-step-others-signed-out = Ihre anderen Geräte wurden abgemeldet.

## Das Verzeichnis

directory-title = Mitgliederverzeichnis
directory-search-label = Namen, Firmen, Fähigkeiten suchen
directory-tag = Schlagwort
directory-search = Suchen
directory-no-such-member = Dieses Mitglied gibt es im Verzeichnis nicht.
directory-back = Zurück zum Verzeichnis
directory-tags = Schlagwörter
contact-title = { $name } schreiben
contact-sent = Ihre Nachricht wurde gesendet.
contact-message = Nachricht
contact-hint = Wird per E-Mail als reiner Text zugestellt. Ihre Adresse bleibt verborgen, es sei denn, Sie kreuzen das Feld unten an.
contact-share-address = Antworten an meine E-Mail-Adresse erlauben
contact-send = Senden

## Seiten für das Team

staff-nav = Team
staff-members-title = Mitglieder
staff-audit-title = Protokoll
staff-outbox-title = Postausgang
staff-search-label = Name, E-Mail-Adresse oder Firma
staff-show = Zeigen
staff-show-everyone = Alle
staff-show-members = Aktive Mitglieder
staff-show-contacts = Kontakte
staff-show-suspended = Gesperrte
staff-location = Standort
staff-all-locations = Alle meine
staff-find = Finden
staff-column-name = Name
staff-column-email = E-Mail-Adresse
staff-column-company = Firma
staff-column-status = Status
staff-no-name = (ohne Namen)
staff-status-suspended = Gesperrt
staff-status-member = Mitglied
staff-status-contact = Kontakt
staff-access-title = Zugang (nur für das Team)
staff-all-members = Alle Mitglieder
staff-not-saved = Nichts wurde gespeichert:
staff-actions = Aktionen
staff-suspend = Sperren
staff-suspend-hint = Sperren: keine Anmeldung, nicht im Verzeichnis
staff-reactivate = Wieder freischalten
staff-invite = Erneut einladen
staff-invite-hint = Eine neue Einladung senden
staff-require-password = Neues Passwort verlangen
staff-require-password-hint = Bei der nächsten Anmeldung ein neues Passwort verlangen
staff-reset-two-step = Anmeldung in zwei Schritten zurücksetzen
staff-reset-two-step-hint = Anmeldung in zwei Schritten ausschalten
staff-export = Daten exportieren
staff-custom-title = Eigene Felder von { $location }
staff-save = Änderungen speichern
staff-erase-title = Dieses Mitglied löschen
staff-erase-text = Löscht das Mitglied mit allen Profilen, Fotos, Sitzungen und Links, seinem Änderungsverlauf und wartenden E-Mails, auf einmal. Das Protokoll behält nur Art und Zeit seiner Ereignisse. Das kann nicht rückgängig gemacht werden.
staff-erase-confirm = Geben Sie zur Bestätigung seine E-Mail-Adresse ein
staff-erase-button = { $name } löschen
staff-not-here = Sie gehören an diesem Standort nicht zum Team.
staff-nothing-changed = Es hatte sich nichts geändert.
staff-suspended = Gesperrt: Jede Sitzung wurde beendet.
staff-reactivated = Wieder aktiv.
staff-invited = Eine neue Einladung ist unterwegs.
staff-password-required = Bei der nächsten Anmeldung wird ein neues Passwort gewählt.
staff-two-step-reset = Die Anmeldung in zwei Schritten ist aus; sie kann wieder eingeschaltet werden.
staff-no-such-action = Diese Aktion gibt es nicht.
staff-erase-mismatch = Die eingegebene Adresse stimmt nicht überein; es wurde nichts gelöscht.
staff-audit-who = Wer (E-Mail-Adresse)
staff-audit-what = Was (z. B. sign_in_failed)
staff-audit-since = Von
staff-audit-until = Bis
staff-audit-filter = Filtern
staff-audit-count = { $count ->
    [one] { $count } Ereignis, neueste zuerst
   *[other] { $count } Ereignisse, neueste zuerst
}
staff-audit-when = Wann
staff-audit-event = Was
staff-audit-member = Mitglied
staff-audit-by = Durch
staff-audit-source = Von
staff-audit-detail = Einzelheiten
staff-audit-user = Nutzer { $id }
staff-audit-staff-user = Teammitglied { $id }
staff-audit-key = Schlüssel { $name }
staff-outbox-hint = E-Mails an Ihre Mitglieder, neueste zuerst. Der Text wird nicht gezeigt: Ein Anmelde- oder Passwortlink darin würde es jedem, der ihn liest, erlauben, als das Mitglied zu handeln.
staff-outbox-queued = Eingereiht
staff-outbox-to = An
staff-outbox-subject = Betreff
staff-outbox-state = Stand
staff-outbox-sent = Gesendet
staff-outbox-given-up = Aufgegeben: { $error }
staff-outbox-retrying = Neuer Versuch ({ $count ->
    [one] { $count } Versuch
   *[other] { $count } Versuche
}): { $error }
staff-outbox-waiting = Wartet

## Was das Skript schreibt (portal.js)

script-preview = Vorschau anzeigen
script-strength = Stärke:
script-strength-weak = Schwach
script-strength-fair = Mittel
script-strength-good = Gut
script-strength-strong = Stark
script-tags = Ihre Schlagwörter
script-add-tag = Schlagwort hinzufügen
script-add-tag-hint = Schlagwort hinzufügen (Eingabetaste drücken)
script-remove-tag = Schlagwort entfernen:
script-find-country = Tippen, um ein Land zu finden
script-find-country-for = Ein Land finden für
script-conflict = Ihr Profil wurde anderswo geändert, seit diese Seite geladen wurde, daher wurde nichts gespeichert. Ihre Eingaben stehen noch hier.
