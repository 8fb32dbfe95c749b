# Les mots du portail des membres en français : message pour message comme locales/en/portal.ftl.
# On vouvoie.

## Commun

saved = Enregistré.
back-to-sign-in = Retour à la connexion
back-to-profile = Retour à votre profil
check-mail-title = Consultez vos e-mails
members-count = { $count ->
    [one] { $count } membre
   *[other] { $count } membres
}
pages = Pages
pages-previous = Précédente
pages-next = Suivante
date-time = { $day } { $month } { $year } à { $time } UTC
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre
wait-seconds = { $count ->
    [one] { $count } seconde
   *[other] { $count } secondes
}
wait-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
wait-hours = { $count ->
    [one] { $count } heure
   *[other] { $count } heures
}

## Le cadre de chaque page

layout-skip = Aller au contenu
layout-nav = Menu principal
layout-my-profile = Mon profil
layout-directory = Annuaire des membres
layout-sign-out = Se déconnecter

## Un formulaire venu d'un autre site ; une erreur

refused-title = Refusé
refused-heading = Ce formulaire n'a pas pu être accepté
refused-text = Il n'a pas été envoyé depuis une page de ce site : rien n'a été modifié.
refused-back = Revenez à votre profil et réessayez.
failed-title = Erreur
failed-heading = Une erreur s'est produite
failed-nav = Où aller ensuite
failed-to-profile = Votre profil
failed-to-directory = L'annuaire des membres
failed-to-sign-in = Se connecter

## Les erreurs, telles qu'un membre les lit

error-validation = Une partie de ce qui a été envoyé n'a pas été acceptée : { $names }.
error-wrong-code = Le code est incorrect, ou a déjà été utilisé.
error-second-step-expired = La connexion a pris trop de temps : saisissez de nouveau votre mot de passe.
error-wrong-credentials = L'adresse e-mail ou le mot de passe est incorrect.
error-link-or-token = Ce lien ou ce code ne fonctionne plus : il a déjà servi, ou il a expiré.
error-invalid-parameter = La recherche n'a pas pu être lue ({ $name }).
error-two-step-setup-required = Votre espace exige la connexion en deux étapes : configurez-la d'abord.
error-two-step-required = La connexion en deux étapes est activée : saisissez le code de votre application d'authentification.
error-must-reset-password = Choisissez d'abord un nouveau mot de passe : votre espace l'a demandé.
error-unauthenticated = Connectez-vous d'abord.
error-forbidden = Vous n'avez pas le droit de faire cela ici.
error-not-found = Il n'y a rien ici : l'élément a été supprimé, ou l'adresse est erronée.
error-conflict = Une autre modification est passée avant (l'adresse ou le nom est désormais pris) ; rechargez et réessayez.
error-precondition-failed = Votre profil a changé depuis le chargement de cette page ; rechargez-la et réessayez.
error-locked = Trop de mots de passe erronés : la vérification des mots de passe de ce compte est bloquée ; réessayez dans { $wait }.
error-rate-limited = Trop de tentatives de connexion depuis votre adresse ; réessayez dans { $wait }.
error-drafts-member = Vous avez utilisé vos brouillons IA pour cette heure ; réessayez dans { $wait }.
error-drafts-location = Ce site a utilisé ses brouillons IA pour aujourd'hui ; réessayez dans { $wait }.
error-too-many-links = Trop d'e-mails ont été envoyés pour ce compte au cours de la dernière heure ; réessayez plus tard.
error-too-many-messages = Vous avez écrit à autant de membres que permis pour l'instant ; réessayez dans { $wait }.
error-ai-failed = L'assistant IA n'a pas pu rédiger de brouillon pour le moment ; réessayez plus tard.
error-ai-timeout = L'assistant IA a mis trop de temps à répondre ; réessayez plus tard.
error-unavailable = Le service est brièvement indisponible ; réessayez dans un instant.
error-busy = Le serveur est occupé par d'autres vérifications de mots de passe ; réessayez dans un instant.
error-invalid = Cela n'a pas pu être fait : { $detail }
error-internal = Une erreur s'est produite de notre côté ; elle a été enregistrée.
error-summary = { $outcome } : veuillez corriger { $count ->
    [one] ce point
   *[other] ces points
}

## L'erreur d'un champ

field-error-required = ne peut pas être vide
field-error-not-nullable = ne peut pas être vide
field-error-wrong-type = n'a pas la bonne forme
field-error-too-long = est trop long
field-error-control-characters = contient des caractères de contrôle
field-error-invalid-email = n'est pas une adresse e-mail valide
field-error-invalid-url = n'est pas une adresse http ou https valide
field-error-invalid-date = n'est pas une date
field-error-invalid-number = doit être un nombre, comme 12 ou 12,5
field-error-invalid-code = n'est pas le code actuel
field-error-date-out-of-range = est en dehors de la période autorisée
field-error-invalid-phone = n'est pas un numéro de téléphone valide
field-error-invalid-choice = ne fait pas partie des réponses possibles
field-error-unknown-country = n'est pas un pays connu
field-error-invalid-tax-id = ne peut contenir que des lettres, des chiffres, des espaces et - . /
field-error-invalid-handle = n'est pas un identifiant ou un lien valide pour ce réseau
field-error-tag-too-long = contient un mot-clé trop long
field-error-too-many-tags = contient trop de mots-clés
field-error-not-writable = ne peut être modifié que par l'équipe de votre espace
field-error-password-mismatch = ne correspond pas au nouveau mot de passe
field-error-password-required = veuillez choisir un nouveau mot de passe
field-error-wrong-current-password = n'est pas votre mot de passe actuel
field-error-password-too-short = est trop court pour les règles de ce site
field-error-password-too-long = est trop long
field-error-password-too-common = est trop courant et facile à deviner
field-error-password-too-weak = est trop facile à deviner : plus long, c'est mieux
field-error-password-contains-email = ne doit pas contenir votre adresse e-mail
field-error-password-contains-name = ne doit pas contenir votre nom
field-error-password-unchanged = doit être différent du mot de passe actuel
field-error-password-needs = ne respecte pas toutes les règles de ce site (chiffre, majuscule, minuscule ou symbole)
field-error-ai-unavailable = Les brouillons IA sont désactivés sur ce site.
field-error-not-enough-to-draft = Il manque des informations pour un brouillon : complétez d'abord votre profil professionnel.
field-error-invalid-link = ce lien ne fonctionne plus ; demandez-en un nouveau
field-error-email-unchanged = est déjà votre adresse de connexion
field-error-bio-too-complex = est trop imbriqué ou trop volumineux pour être affiché
field-error-unsupported-image = doit être une image JPEG, PNG ou WebP
field-error-invalid-image = n'a pas pu être lu comme une image
field-error-image-too-large = est trop grand : 10 Mio et 8000 pixels de côté au plus
field-error-other = n'a pas été accepté

## Les informations du profil, comme étiquettes

field-full-name = Nom complet
field-salutation = Civilité
field-nick-name = Surnom
field-gender = Genre
field-date-of-birth = Date de naissance
field-mobile-phone = Téléphone mobile
field-land-line = Téléphone fixe
field-address = Adresse
field-post-code = Code postal
field-city-name = Ville
field-state = Région ou département
field-country-id = Pays
field-billing-name = Nom de facturation
field-billing-email = E-mail de facturation
field-billing-address = Adresse de facturation
field-billing-post-code = Code postal de facturation
field-billing-city-name = Ville de facturation
field-billing-state = Région de facturation
field-billing-country-id = Pays de facturation
field-tax-idnumber = Numéro fiscal
field-position = Poste
field-company-name = Entreprise
field-business-area = Secteur d'activité
field-profile-summary = À propos de moi (Markdown)
field-profile-website = Site web
field-profile-is-public = M'afficher dans l'annuaire des membres
field-profile-tags = Mots-clés (séparés par des virgules)
field-on-help-desk-msg = Réponses à mes messages au support
field-on-new-wall-post = Nouveaux messages sur le mur de la communauté
field-on-new-blog-comment = Commentaires sur les articles du blog
field-on-new-event-comment = Commentaires sur les événements
field-receive-community-digest = Le résumé de la communauté
field-sign-up-to-newsletter = La newsletter
field-is-member = Membre (pas seulement contact)
field-access-pincode = Code PIN d'accès

## Les champs

form-choose = Choisissez…
form-required = (obligatoire)
form-yes = Oui
form-no = Non
form-gender-male = Homme
form-gender-female = Femme
form-gender-other = Autre
form-gender-rather-not-say = Je préfère ne pas le dire

## Connexion

signin-title = Se connecter
signin-email = Adresse e-mail
signin-password = Mot de passe
signin-button = Se connecter
signin-password-set = Votre mot de passe est enregistré. Connectez-vous avec.
signin-incorrect = L'adresse e-mail ou le mot de passe est incorrect.
signin-link-intro = Pas de mot de passe sous la main ? Nous pouvons vous envoyer par e-mail un lien qui vous connecte une fois.
signin-link-button = M'envoyer un lien de connexion
signin-forgot = Mot de passe oublié ?
signin-code-label = Code de votre application d'authentification
signin-code-hint = Six chiffres ; ou l'un de vos codes de secours si vous n'avez pas votre téléphone.
signin-start-again = Recommencer
signin-one-time-expired = Ce lien de connexion ne fonctionne plus : il a déjà servi, ou il est trop ancien. Connectez-vous de nouveau.
signin-link-page = Connectez-vous avec le lien reçu par e-mail. Il ne fonctionne qu'une fois.
signin-link-expired = Ce lien de connexion ne fonctionne plus : il a déjà servi, a été remplacé par un plus récent, ou a expiré.
signin-link-sent = Si { $email } appartient à un membre, un lien de connexion est en route. Il fonctionne une fois, pendant 15 minutes.
email-problem = L'adresse e-mail { $problem }.

## Mot de passe oublié, réinitialisation, bienvenue

forgot-title = Mot de passe oublié ?
forgot-intro = Indiquez l'adresse e-mail avec laquelle vous vous connectez ; nous vous enverrons un lien pour choisir un nouveau mot de passe.
forgot-send = Envoyer le lien
forgot-sent = Si { $email } appartient à un membre, un lien pour choisir un nouveau mot de passe est en route. Il fonctionne une fois, pendant une heure.
forgot-too-many = Trop de demandes. Réessayez dans { $wait }.
reset-title = Choisir un nouveau mot de passe
reset-intro = Cela vous déconnecte de tous vos appareils.
welcome-title = Bienvenue : choisissez votre mot de passe
welcome-intro = Vous vous connecterez avec votre adresse e-mail et ce mot de passe.
password-for = Le mot de passe est celui de l'adresse
link-expired = Ce lien ne fonctionne plus : il a déjà servi, a été remplacé par un plus récent, ou a expiré.
link-ask-new = Demander un nouveau lien.
password-set-button = Enregistrer le mot de passe
password-current = Mot de passe actuel
password-new = Nouveau mot de passe
password-repeat = Répétez le nouveau mot de passe

## Confirmer ou annuler un changement d'adresse

confirm-email-title = Confirmez votre nouvelle adresse e-mail
confirm-email-text = Désormais, vous vous connecterez avec cette adresse.
confirm-email-button = Confirmer
confirm-email-done = Vous vous connectez désormais avec { $email }.
undo-email-title = Annuler le changement de votre adresse e-mail
undo-email-text = Votre ancienne adresse est rétablie, et toutes les sessions de votre compte prennent fin : reconnectez-vous, et changez votre mot de passe si quelqu'un d'autre le connaissait.
undo-email-button = Annuler le changement
undo-email-done = Votre ancienne adresse est rétablie et toutes les sessions ont pris fin. Reconnectez-vous.
email-link-done = C'est fait
email-link-broken = Ce lien ne fonctionne pas
email-link-broken-text = Il a déjà servi, a été remplacé par un plus récent, ou a expiré.

## La page du profil

profile-title = Mon profil
profile-heading = Mon profil
profile-at = Profil chez
profile-switch-to = Passer à
profile-switch = Changer
profile-contents = Sur cette page
profile-conflict = Votre profil a été modifié ailleurs depuis le chargement de cette page : rien n'a été enregistré. Ce que vous avez saisi est toujours ci-dessous.
profile-conflict-reload = Recharger la page
profile-no-such-section = Cette section n'existe pas.
profile-choose-one = Choisissez l'un de vos profils.
profile-not-yours = Ce profil n'est pas le vôtre.
profile-not-saved = Rien n'a été enregistré
profile-personal-title = Informations personnelles
profile-personal-save = Enregistrer les informations personnelles
profile-professional-title = Profil professionnel
profile-professional-save = Enregistrer le profil professionnel
profile-billing-title = Facturation
profile-billing-save = Enregistrer la facturation
profile-notifications-title = Notifications
profile-notifications-save = Enregistrer les notifications
profile-access-title = Accès
profile-more-title = Un peu plus sur vous
profile-more-save = Enregistrer vos réponses
profile-more-hint = Questions de { $location }.
profile-set-by = (défini par { $location })
profile-password-title = Mot de passe
profile-password-save = Changer le mot de passe
profile-password-changed = Votre mot de passe a été changé. Vos autres appareils ont été déconnectés.
profile-password-rules = Règles chez { $location } : { $rules }.
profile-access-pin = Votre code PIN d'accès, défini par { $location } :
profile-two-step = Connexion en deux étapes (un code d'une application d'authentification après votre mot de passe) :
profile-two-step-link = la configurer ou la gérer.
profile-draft-button = Rédiger avec l'IA
profile-draft-hint = Rédige un brouillon de résumé à partir de votre profil professionnel enregistré et de vos réseaux sociaux (enregistrez d'abord vos modifications). Rien n'est enregistré tant que vous n'enregistrez pas.
profile-draft-written = Un brouillon se trouve ci-dessous dans « { $field } », rédigé à partir de : { $sources }. Rien n'est encore enregistré : relisez-le, modifiez-le, puis enregistrez.
profile-draft-failed = Pas de brouillon : { $reason } Rien n'a été modifié.
profile-preview-failed = L'aperçu est impossible : le texte est trop imbriqué ou trop long.
password-rule-length = de { $min } à { $max } caractères
password-rule-strength = robustesse d'au moins { $score } sur { $max }
password-rule-common = mots de passe courants refusés
password-rule-personal = votre adresse e-mail et votre nom refusés
password-rule-digit = un chiffre requis
password-rule-upper = une majuscule requise
password-rule-lower = une minuscule requise
password-rule-symbol = un symbole requis
password-rule-two-step = connexion en deux étapes requise

## Les photos du profil

photos-title = Photos
photos-hint = JPEG, PNG ou WebP, jusqu'à { $size } Mio. Les photos sont recadrées au centre ; le lieu de prise de vue et les autres informations qu'un appareil enregistre dans une photo sont supprimés. Les membres ne voient votre photo dans l'annuaire que tant que votre profil y figure.
photos-not-saved = Rien n'a été enregistré : { $reason }
photos-avatar-label = Photo de profil
photos-avatar-alt = Votre photo de profil
photos-avatar-upload = Envoyer la photo de profil
photos-avatar-remove = Supprimer la photo de profil
photos-banner-label = Bannière
photos-banner-alt = Votre bannière
photos-banner-upload = Envoyer la bannière
photos-banner-remove = Supprimer la bannière
photos-unsupported = Ce fichier n'est pas une image JPEG, PNG ou WebP.
photos-too-large = Cette image est trop grande : 10 Mio et 8000 pixels de côté au plus.
photos-empty = Choisissez d'abord un fichier.
photos-unreadable = Ce fichier n'a pas pu être lu comme une image.
photos-unreadable-upload = L'envoi n'a pas pu être lu.
photos-no-such-photo = Cette photo n'existe pas.

## L'adresse de connexion

email-title = E-mail de connexion
email-new = Nouvelle adresse e-mail
email-current = Vous vous connectez avec
email-hint = La nouvelle adresse est utilisée dès que vous suivez le lien qui lui est envoyé ; votre adresse actuelle reçoit un lien qui annule le changement.
email-requested = Un lien pour confirmer la nouvelle adresse lui a été envoyé. Vous vous connectez avec votre adresse actuelle tant que le lien n'a pas été suivi.
email-not-sent = Aucun lien n'a été envoyé
email-send = Envoyer le lien de confirmation

## La langue du membre

language-title = Langue
language-label = Langue de vos pages et de vos e-mails
language-browser = Celle que demande mon navigateur
language-hint = Sans choix ici, les pages suivent la langue de votre navigateur, et les e-mails sont dans la langue de l'espace.
language-save = Enregistrer la langue

## Connexion en deux étapes

two-step-title = Connexion en deux étapes
two-step-turned-off = La connexion en deux étapes est désactivée. Vos autres appareils ont été déconnectés.
two-step-on = Activée
two-step-on-text = La connexion demande un code de votre application d'authentification après votre mot de passe. { $count ->
    [one] Il vous reste { $count } code de secours.
   *[other] Il vous reste { $count } codes de secours.
}
two-step-code-or-recovery = Un code de votre application, ou un code de secours
two-step-turn-off = Désactiver la connexion en deux étapes
two-step-off = Désactivée
two-step-off-text = Avec la connexion en deux étapes, un mot de passe volé ne suffit pas : la connexion demande aussi un code à six chiffres d'une application d'authentification sur votre téléphone (toute application qui lit les codes QR).
two-step-set-up = Configurer la connexion en deux étapes
two-step-setup = Configuration
two-step-scan = Scannez ce code avec votre application d'authentification :
two-step-qr = Code QR du secret de votre connexion en deux étapes
two-step-type-secret = Ou saisissez le secret dans l'application :
two-step-enter-code = Puis saisissez le code à six chiffres affiché par l'application
two-step-turn-on = Activer la connexion en deux étapes
two-step-is-on = La connexion en deux étapes est activée
two-step-keep-codes = Gardez ces codes de secours en lieu sûr. Chacun vous connecte une fois sans votre téléphone. Ils ne sont affichés que maintenant.
two-step-download = Télécharger les codes
two-step-others-signed-out = Vos autres appareils ont été déconnectés.

## L'annuaire

directory-title = Annuaire des membres
directory-search-label = Chercher des noms, des entreprises, des compétences
directory-tag = Mot-clé
directory-search = Chercher
directory-no-such-member = Ce membre ne figure pas dans l'annuaire.
directory-back = Retour à l'annuaire
directory-tags = Mots-clés
contact-title = Écrire à { $name }
contact-sent = Votre message a été envoyé.
contact-message = Message
contact-hint = Envoyé par e-mail, en texte brut. Votre adresse reste cachée, sauf si vous cochez la case ci-dessous.
contact-share-address = Permettre de me répondre à mon adresse e-mail
contact-send = Envoyer

## Les pages de l'équipe

staff-nav = Équipe
staff-members-title = Membres
staff-audit-title = Journal d'audit
staff-outbox-title = Boîte d'envoi
staff-search-label = Nom, adresse e-mail ou entreprise
staff-show = Afficher
staff-show-everyone = Tout le monde
staff-show-members = Membres actifs
staff-show-contacts = Contacts
staff-show-suspended = Suspendus
staff-location = Site
staff-all-locations = Tous les miens
staff-find = Chercher
staff-column-name = Nom
staff-column-email = Adresse e-mail
staff-column-company = Entreprise
staff-column-status = Statut
staff-no-name = (sans nom)
staff-status-suspended = Suspendu
staff-status-member = Membre
staff-status-contact = Contact
staff-access-title = Accès (équipe seulement)
staff-all-members = Tous les membres
staff-not-saved = Rien n'a été enregistré :
staff-actions = Actions
staff-suspend = Suspendre
staff-suspend-hint = Suspendre : plus de connexion, retiré de l'annuaire
staff-reactivate = Réactiver
staff-invite = Inviter de nouveau
staff-invite-hint = Envoyer une nouvelle invitation
staff-require-password = Exiger un nouveau mot de passe
staff-require-password-hint = Exiger un nouveau mot de passe à la prochaine connexion
staff-reset-two-step = Réinitialiser la connexion en deux étapes
staff-reset-two-step-hint = Désactiver la connexion en deux étapes
staff-export = Exporter ses données
staff-custom-title = Champs propres à { $location }
staff-save = Enregistrer les modifications
staff-erase-title = Effacer ce membre
staff-erase-text = Supprime le membre, tous ses profils, photos, sessions et liens, son historique de modifications et ses e-mails en attente, en une fois. Le journal d'audit ne garde que la nature et l'heure de ses événements. C'est irréversible.
staff-erase-confirm = Saisissez son adresse e-mail pour confirmer
staff-erase-button = Effacer { $name }
staff-not-here = Vous ne faites pas partie de l'équipe de ce site.
staff-nothing-changed = Rien n'avait changé.
staff-suspended = Suspendu : toutes les sessions ont pris fin.
staff-reactivated = De nouveau actif.
staff-invited = Une nouvelle invitation est en route.
staff-password-required = Un nouveau mot de passe sera choisi à la prochaine connexion.
staff-two-step-reset = La connexion en deux étapes est désactivée ; elle peut être réactivée.
staff-no-such-action = Cette action n'existe pas.
staff-erase-mismatch = L'adresse saisie ne correspond pas ; rien n'a été effacé.
staff-audit-who = Qui (adresse e-mail)
staff-audit-what = Quoi (par ex. sign_in_failed)
staff-audit-since = Du
staff-audit-until = Au
staff-audit-filter = Filtrer
staff-audit-count = { $count ->
    [one] { $count } événement, du plus récent au plus ancien
   *[other] { $count } événements, du plus récent au plus ancien
}
staff-audit-when = Quand
staff-audit-event = Quoi
staff-audit-member = Membre
staff-audit-by = Par
staff-audit-source = Depuis
staff-audit-detail = Détail
staff-audit-user = utilisateur { $id }
staff-audit-staff-user = membre de l'équipe { $id }
staff-audit-key = clé { $name }
staff-outbox-hint = Les e-mails envoyés à vos membres, du plus récent au plus ancien. Leur texte n'est pas affiché : un lien de connexion ou de mot de passe permettrait à quiconque le lit d'agir à la place du membre.
staff-outbox-queued = Mis en file
staff-outbox-to = À
staff-outbox-subject = Objet
staff-outbox-state = État
staff-outbox-sent = Envoyé
staff-outbox-given-up = Abandonné : { $error }
staff-outbox-retrying = Nouvel essai ({ $count ->
    [one] { $count } tentative
   *[other] { $count } tentatives
}) : { $error }
staff-outbox-waiting = En attente

## Ce qu'écrit le script (portal.js)

script-preview = Aperçu de la bio
script-strength = Robustesse :
script-strength-weak = Faible
script-strength-fair = Moyenne
script-strength-good = Bonne
script-strength-strong = Forte
script-tags = Vos mots-clés
script-add-tag = Ajouter un mot-clé
script-add-tag-hint = Ajouter un mot-clé (appuyez sur Entrée)
script-remove-tag = Retirer le mot-clé
script-find-country = Tapez pour trouver un pays
script-find-country-for = Trouver un pays pour
script-conflict = Votre profil a été modifié ailleurs depuis le chargement de cette page : rien n'a été enregistré. Ce que vous avez saisi est toujours là.
