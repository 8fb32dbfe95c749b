# Les mots des e-mails que Portico envoie, en français (comme locales/en/mail.ftl).

mail-greeting = Bonjour,
mail-greeting-name = Bonjour { $name },
mail-open-address = Ou ouvrez cette adresse :
mail-invitation-subject = votre invitation
mail-invitation-invited = { $location } vous invite à rejoindre son portail des membres.
mail-invitation-choose = Choisissez votre mot de passe pour vous connecter. Le lien fonctionne une fois, pendant { $days ->
    [one] { $days } jour
   *[other] { $days } jours
}.
mail-invitation-button = Choisir votre mot de passe
mail-invitation-closing = Si vous n'attendiez pas cette invitation, vous pouvez ignorer ce message.
mail-reset-subject = réinitialiser votre mot de passe
mail-reset-asked = Quelqu'un a demandé à réinitialiser le mot de passe de votre compte ; nous espérons que c'était vous.
mail-reset-choose = Choisissez un nouveau mot de passe avec ce lien. Il fonctionne une fois, pendant une heure, et vous déconnecte partout.
mail-reset-button = Choisir un nouveau mot de passe
mail-reset-closing = Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste le même.
mail-sign-in-subject = votre lien de connexion
mail-sign-in-asked = Quelqu'un a demandé un lien pour se connecter sans votre mot de passe ; nous espérons que c'était vous.
mail-sign-in-use = Connectez-vous avec ce lien. Il fonctionne une fois, pendant 15 minutes.
mail-sign-in-button = Se connecter
mail-sign-in-closing = Si vous n'avez rien demandé, ignorez ce message : personne ne peut se connecter sans le lien.
mail-email-confirm-subject = confirmez votre nouvelle adresse e-mail
mail-email-confirm-asked = Vous avez demandé à vous connecter désormais avec cette adresse.
mail-email-confirm-use = Confirmez-la avec ce lien, qui fonctionne une fois, pendant 24 heures. D'ici là, votre ancienne adresse reste en usage.
mail-email-confirm-button = Confirmer cette adresse
mail-email-confirm-closing = Si vous n'avez rien demandé, ignorez ce message : rien ne change.
mail-email-notice-subject = votre adresse e-mail est en cours de changement
mail-email-notice-asked = Une personne connectée à votre compte a demandé à changer son adresse e-mail pour { $email }.
mail-email-notice-undo = Si ce n'était pas vous, annulez-le avec ce lien dans les 7 jours : votre adresse est rétablie et toutes les sessions de votre compte prennent fin.
mail-email-notice-button = Ce n'était pas moi : annuler
mail-email-notice-closing = Si c'était vous, il n'y a rien à faire.
mail-in-use-subject = cette adresse est déjà utilisée
mail-in-use-asked = Quelqu'un a demandé à utiliser cette adresse pour un compte, mais elle appartient déjà à un compte : le vôtre.
mail-in-use-nothing = Rien n'a été modifié. Si vous ne vous y attendiez pas, vous pouvez ignorer ce message.
mail-in-use-closing = Rien à faire.
mail-relay-subject = un message de { $sender }
mail-relay-opening = { $sender } vous a écrit par l'annuaire des membres de { $location } :
mail-relay-reply-shared = Répondez à cet e-mail pour répondre à { $sender } : votre réponse ira à son adresse.
mail-relay-reply-hidden = { $sender } n'a pas partagé son adresse e-mail : une réponse à cet e-mail n'atteindra personne.
mail-relay-card-text = La fiche de { $sender } dans l'annuaire : { $card }
mail-relay-card-button = Voir sa fiche
mail-relay-privacy = Ce message vous a été transmis sans montrer votre adresse e-mail à { $sender }. S'il est importun, prévenez l'équipe de { $location }.
