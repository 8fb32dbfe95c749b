# Die Wörter der E-Mails, die Portico sendet, auf Deutsch (wie locales/en/mail.ftl).

mail-greeting = Hallo,
mail-greeting-name = Hallo { $name },
mail-open-address = Oder öffnen Sie diese Adresse:
mail-invitation-subject = Ihre Einladung
mail-invitation-invited = Sie wurden in das Mitgliederportal von { $location } eingeladen.
mail-invitation-choose = Wählen Sie Ihr Passwort, um sich anzumelden. Der Link funktioniert einmal, { $days ->
    [one] { $days } Tag
   *[other] { $days } Tage
} lang.
mail-invitation-button = Passwort wählen
mail-invitation-closing = Wenn Sie diese Einladung nicht erwartet haben, können Sie diese Nachricht ignorieren.
mail-reset-subject = Passwort zurücksetzen
mail-reset-asked = Jemand hat darum gebeten, das Passwort Ihres Kontos zurückzusetzen; wir hoffen, Sie waren es.
mail-reset-choose = Wählen Sie mit diesem Link ein neues Passwort. Er funktioniert einmal, eine Stunde lang, und meldet Sie überall ab.
mail-reset-button = Neues Passwort wählen
mail-reset-closing = Wenn Sie nicht darum gebeten haben, ignorieren Sie diese Nachricht: Ihr Passwort bleibt, wie es ist.
mail-sign-in-subject = Ihr Anmeldelink
mail-sign-in-asked = Jemand hat einen Link angefordert, um sich ohne Ihr Passwort anzumelden; wir hoffen, Sie waren es.
mail-sign-in-use = Melden Sie sich mit diesem Link an. Er funktioniert einmal, 15 Minuten lang.
mail-sign-in-button = Anmelden
mail-sign-in-closing = Wenn Sie nicht darum gebeten haben, ignorieren Sie diese Nachricht: Ohne den Link kann sich niemand anmelden.
mail-email-confirm-subject = Bestätigen Sie Ihre neue E-Mail-Adresse
mail-email-confirm-asked = Sie möchten sich ab jetzt mit dieser Adresse anmelden.
mail-email-confirm-use = Bestätigen Sie sie mit diesem Link; er funktioniert einmal, 24 Stunden lang. Bis dahin gilt Ihre bisherige Adresse.
mail-email-confirm-button = Diese Adresse bestätigen
mail-email-confirm-closing = Wenn Sie nicht darum gebeten haben, ignorieren Sie diese Nachricht: Es ändert sich nichts.
mail-email-notice-subject = Ihre E-Mail-Adresse wird geändert
mail-email-notice-asked = Jemand, der in Ihrem Konto angemeldet ist, möchte dessen E-Mail-Adresse in { $email } ändern.
mail-email-notice-undo = Wenn Sie es nicht waren, machen Sie es innerhalb von 7 Tagen mit diesem Link rückgängig: Ihre Adresse wird wiederhergestellt, und jede Sitzung Ihres Kontos endet.
mail-email-notice-button = Das war ich nicht: rückgängig machen
mail-email-notice-closing = Wenn Sie es waren, ist nichts zu tun.
mail-in-use-subject = Diese Adresse wird schon verwendet
mail-in-use-asked = Jemand wollte diese Adresse für ein Konto verwenden, aber sie gehört schon zu einem: Ihrem.
mail-in-use-nothing = Es wurde nichts geändert. Wenn Sie das nicht erwartet haben, können Sie diese Nachricht ignorieren.
mail-in-use-closing = Nichts zu tun.
mail-relay-subject = eine Nachricht von { $sender }
mail-relay-opening = { $sender } hat Ihnen über das Mitgliederverzeichnis von { $location } geschrieben:
mail-relay-reply-shared = Antworten Sie auf diese E-Mail, um { $sender } zu antworten: Ihre Antwort geht an deren Adresse.
mail-relay-reply-hidden = { $sender } hat die eigene E-Mail-Adresse nicht geteilt; eine Antwort auf diese E-Mail erreicht niemanden.
mail-relay-card-text = Die Karte von { $sender } im Verzeichnis: { $card }
mail-relay-card-button = Karte ansehen
mail-relay-privacy = Diese Nachricht wurde weitergeleitet, ohne { $sender } Ihre E-Mail-Adresse zu zeigen. Ist sie unerwünscht, sagen Sie es dem Team von { $location }.
