# The words of the mail Portico sends, in English (the reference for every language).

mail-greeting = Hello,
mail-greeting-name = Hello { $name },
mail-open-address = Or open this address:
mail-invitation-subject = your invitation
mail-invitation-invited = You have been invited to the member portal of { $location }.
mail-invitation-choose = Choose your password to sign in. The link works once, for { $days ->
    [one] { $days } day
   *[other] { $days } days
}.
mail-invitation-button = Choose your password
mail-invitation-closing = If you did not expect this invitation, you can ignore this message.
mail-reset-subject = reset your password
mail-reset-asked = Someone asked to reset the password of your account; we hope it was you.
mail-reset-choose = Choose a new password with this link. It works once, for one hour, and signs you out everywhere.
mail-reset-button = Choose a new password
mail-reset-closing = If you did not ask for this, ignore this message: your password stays as it is.
mail-sign-in-subject = your sign-in link
mail-sign-in-asked = Someone asked for a link to sign in without your password; we hope it was you.
mail-sign-in-use = Sign in with this link. It works once, for 15 minutes.
mail-sign-in-button = Sign in
mail-sign-in-closing = If you did not ask for this, ignore this message: nobody can sign in without the link.
mail-email-confirm-subject = confirm your new e-mail address
mail-email-confirm-asked = You asked to sign in with this address from now on.
mail-email-confirm-use = Confirm it with this link, which works once, for 24 hours. Until then your old address stays in use.
mail-email-confirm-button = Confirm this address
mail-email-confirm-closing = If you did not ask for this, ignore this message: nothing changes.
mail-email-notice-subject = your e-mail address is being changed
mail-email-notice-asked = Someone signed in to your account asked to change its e-mail address to { $email }.
mail-email-notice-undo = If it was not you, undo it with this link within 7 days: your address is put back and every session of your account ends.
mail-email-notice-button = This was not me: undo
mail-email-notice-closing = If it was you, there is nothing to do.
mail-in-use-subject = this address is already in use
mail-in-use-asked = Someone asked to use this address for an account, but it already belongs to one: yours.
mail-in-use-nothing = Nothing was changed. If you did not expect this, you can ignore this message.
mail-in-use-closing = Nothing to do.
mail-relay-subject = a message from { $sender }
mail-relay-opening = { $sender } wrote to you through the member directory of { $location }:
mail-relay-reply-shared = Reply to this e-mail to answer { $sender }: your reply goes to their address.
mail-relay-reply-hidden = { $sender } did not share their e-mail address, so replying to this e-mail reaches nobody.
mail-relay-card-text = { $sender }'s card in the directory: { $card }
mail-relay-card-button = See their card
mail-relay-privacy = This message was passed on without showing your e-mail address to { $sender }. If it is unwelcome, tell the staff of { $location }.
