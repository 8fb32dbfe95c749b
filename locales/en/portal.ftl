# The member portal's words in English: the reference every other language matches, message
# for message (a test fails on a missing or extra one). Ids are named by page and purpose.
# docs/PORTAL.md, "Languages", tells how to add a language.

## Shared

saved = Saved.
back-to-sign-in = Back to sign in
back-to-profile = Back to your profile
check-mail-title = Check your e-mail
members-count = { $count ->
    [one] { $count } member
   *[other] { $count } members
}
pages = Pages
pages-previous = Previous
pages-next = Next
date-time = { $day } { $month } { $year }, { $time } UTC
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
wait-seconds = { $count ->
    [one] { $count } second
   *[other] { $count } seconds
}
wait-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
wait-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}

## The layout of every page

layout-skip = Skip to content
layout-nav = Main
layout-my-profile = My profile
layout-directory = Member directory
layout-sign-out = Sign out

## A form from another site; a failure

refused-title = Refused
refused-heading = This form could not be accepted
refused-text = It was not sent from this site's own page, so nothing was changed.
refused-back = Go back to your profile and try again.
failed-title = Error
failed-heading = Something went wrong
failed-nav = Where to go next
failed-to-profile = Your profile
failed-to-directory = The member directory
failed-to-sign-in = Sign in

## Errors, as a member is told them

error-validation = Some of what was sent was not accepted: { $names }.
error-wrong-code = The code is incorrect, or was already used.
error-second-step-expired = The sign-in took too long: enter your password again.
error-wrong-credentials = The e-mail or password is incorrect.
error-link-or-token = This link or code does not work any more: it was used, or it has expired.
error-invalid-parameter = The search could not be read ({ $name }).
error-two-step-setup-required = Your space requires two-step sign-in: set it up first.
error-two-step-required = Two-step sign-in is on: enter the code from your authenticator app.
error-must-reset-password = Choose a new password first: your space asked for one.
error-unauthenticated = Sign in first.
error-forbidden = You are not allowed to do this here.
error-not-found = There is nothing here: it was removed, or the address is wrong.
error-conflict = Another change got there first (the address or name is taken now); reload and try again.
error-precondition-failed = Your profile changed since this page was loaded; reload it and try again.
error-locked = Too many wrong passwords: password checks for this account are locked; try again in { $wait }.
error-rate-limited = Too many password attempts from your address; try again in { $wait }.
error-drafts-member = You have used your AI drafts for this hour; try again in { $wait }.
error-drafts-location = This location has used its AI drafts for today; try again in { $wait }.
error-too-many-links = Too many e-mails were sent for this account in the last hour; try again later.
error-too-many-messages = You have written to as many members as allowed for now; try again in { $wait }.
error-ai-failed = The AI writer could not write a draft just now; try again later.
error-ai-timeout = The AI writer took too long to answer; try again later.
error-unavailable = The service is briefly unavailable; try again shortly.
error-busy = The server is busy with other password checks; try again in a moment.
error-invalid = This could not be done: { $detail }
error-internal = Something went wrong on our side; it has been logged.
error-summary = { $outcome }: please correct { $count ->
    [one] this
   *[other] these
}

## A field's error (English keeps the rule's own words, $detail, which name the limits)

field-error-required = { $detail }
field-error-not-nullable = { $detail }
field-error-wrong-type = { $detail }
field-error-too-long = { $detail }
field-error-control-characters = { $detail }
field-error-invalid-email = { $detail }
field-error-invalid-url = { $detail }
field-error-invalid-date = { $detail }
field-error-invalid-number = { $detail }
field-error-invalid-code = { $detail }
field-error-date-out-of-range = { $detail }
field-error-invalid-phone = { $detail }
field-error-invalid-choice = { $detail }
field-error-unknown-country = { $detail }
field-error-invalid-tax-id = { $detail }
field-error-invalid-handle = { $detail }
field-error-tag-too-long = { $detail }
field-error-too-many-tags = { $detail }
field-error-not-writable = { $detail }
field-error-password-mismatch = { $detail }
field-error-password-required = { $detail }
field-error-wrong-current-password = { $detail }
field-error-password-too-short = { $detail }
field-error-password-too-long = { $detail }
field-error-password-too-common = { $detail }
field-error-password-too-weak = { $detail }
field-error-password-contains-email = { $detail }
field-error-password-contains-name = { $detail }
field-error-password-unchanged = { $detail }
field-error-password-needs = { $detail }
field-error-ai-unavailable = { $detail }
field-error-not-enough-to-draft = { $detail }
field-error-invalid-link = { $detail }
field-error-email-unchanged = { $detail }
field-error-bio-too-complex = { $detail }
field-error-unsupported-image = { $detail }
field-error-invalid-image = { $detail }
field-error-image-too-large = { $detail }
field-error-other = { $detail }

## The profile's properties, as labels

field-full-name = Full name
field-salutation = Salutation
field-nick-name = Nickname
field-gender = Gender
field-date-of-birth = Date of birth
field-mobile-phone = Mobile phone
field-land-line = Landline
field-address = Address
field-post-code = Post code
field-city-name = City
field-state = State or region
field-country-id = Country
field-billing-name = Billing name
field-billing-email = Billing e-mail
field-billing-address = Billing address
field-billing-post-code = Billing post code
field-billing-city-name = Billing city
field-billing-state = Billing state or region
field-billing-country-id = Billing country
field-tax-idnumber = Tax ID number
field-position = Position
field-company-name = Company name
field-business-area = Business area
field-profile-summary = About me (Markdown)
field-profile-website = Website
field-profile-is-public = Show me in the member directory
field-profile-tags = Tags (comma-separated)
field-on-help-desk-msg = Replies to my help-desk messages
field-on-new-wall-post = New posts on the community wall
field-on-new-blog-comment = Comments on blog posts
field-on-new-event-comment = Comments on events
field-receive-community-digest = The community digest
field-sign-up-to-newsletter = The newsletter
field-is-member = Member (not only a contact)
field-access-pincode = Access PIN

## Inputs

form-choose = Choose…
form-required = (required)
form-yes = Yes
form-no = No
form-gender-male = Male
form-gender-female = Female
form-gender-other = Other
form-gender-rather-not-say = Rather not say

## Sign-in

signin-title = Sign in
signin-email = E-mail
signin-password = Password
signin-button = Sign in
signin-password-set = Your password is set. Sign in with it.
signin-incorrect = The e-mail or password is incorrect.
signin-link-intro = No password at hand? We can e-mail you a link that signs you in once.
signin-link-button = E-mail me a sign-in link
signin-forgot = Forgot your password?
signin-code-label = Code from your authenticator app
signin-code-hint = Six digits; or one of your recovery codes if you do not have your phone.
signin-start-again = Start again
signin-one-time-expired = This sign-in link does not work any more: it was used, or it is too old. Sign in again.
signin-link-page = Sign in with the link from your e-mail. It works once.
signin-link-expired = This sign-in link does not work any more: it was used, replaced by a newer one, or has expired.
signin-link-sent = If { $email } belongs to a member, a sign-in link is on its way. It works once, for 15 minutes.
email-problem = The e-mail { $problem }.

## Forgotten password, reset, welcome

forgot-title = Forgot your password?
forgot-intro = Give the e-mail address you sign in with; we will send a link to choose a new password.
forgot-send = Send the link
forgot-sent = If { $email } belongs to a member, a link to choose a new password is on its way. It works once, for one hour.
forgot-too-many = Too many requests. Try again in { $wait }.
reset-title = Choose a new password
reset-intro = Setting it signs you out on every device.
welcome-title = Welcome: choose your password
welcome-intro = You will sign in with your e-mail address and this password.
password-for = The password is for the address
link-expired = This link does not work any more: it was used, replaced by a newer one, or has expired.
link-ask-new = Ask for a new link.
password-set-button = Set the password
password-current = Current password
password-new = New password
password-repeat = Repeat the new password

## Confirming or undoing a change of address

confirm-email-title = Confirm your new e-mail address
confirm-email-text = From now on you will sign in with this address.
confirm-email-button = Confirm
confirm-email-done = You now sign in with { $email }.
undo-email-title = Undo the change of your e-mail address
undo-email-text = Your previous address is put back, and every session of your account ends: sign in again, and change your password if someone else knew it.
undo-email-button = Undo the change
undo-email-done = Your previous address is back and every session has ended. Sign in again.
email-link-done = Done
email-link-broken = This link does not work
email-link-broken-text = It was used already, replaced by a newer one, or has expired.

## The profile page

profile-title = My profile
profile-heading = My profile
profile-at = Profile at
profile-switch-to = Switch to
profile-switch = Switch
profile-contents = On this page
profile-conflict = Your profile was changed elsewhere since this page was loaded, so nothing was saved. What you typed is still below.
profile-conflict-reload = Reload the page
profile-no-such-section = There is no such section.
profile-choose-one = Choose one of your profiles.
profile-not-yours = That profile is not yours.
profile-not-saved = Nothing was saved
profile-personal-title = Personal information
profile-personal-save = Save personal information
profile-professional-title = Professional profile
profile-professional-save = Save professional profile
profile-billing-title = Billing information
profile-billing-save = Save billing information
profile-notifications-title = Notifications
profile-notifications-save = Save notifications
profile-access-title = Access
profile-more-title = More about you
profile-more-save = Save your answers
profile-more-hint = Questions from { $location }.
profile-set-by = (set by { $location })
profile-password-title = Password
profile-password-save = Change password
profile-password-changed = Your password was changed. Your other devices were signed out.
profile-password-rules = Rules at { $location }: { $rules }.
profile-access-pin = Your access PIN, set by { $location }:
profile-two-step = Two-step sign-in (a code from an authenticator app after your password):
profile-two-step-link = set it up or manage it.
profile-draft-button = Draft with AI
profile-draft-hint = Writes a draft summary from your saved professional profile and social links (save your changes first). Nothing is saved until you save.
profile-draft-written = A draft is in { $field } below, written from: { $sources }. Nothing is saved yet: review and edit it, then save.
profile-draft-failed = No draft: { $reason } Nothing was changed.
profile-preview-failed = { $detail }
password-rule-length = { $min } to { $max } characters
password-rule-strength = strength at least { $score } of { $max }
password-rule-common = common passwords refused
password-rule-personal = your e-mail and name refused
password-rule-digit = a digit required
password-rule-upper = an upper-case letter required
password-rule-lower = a lower-case letter required
password-rule-symbol = a symbol required
password-rule-two-step = two-step sign-in required

## The profile's photos

photos-title = Photos
photos-hint = JPEG, PNG or WebP, up to { $size } MiB. Photos are cropped to the centre; the location and other details a camera stores in a photo are removed. Members see your photo in the directory only while your profile is shown there.
photos-not-saved = Nothing was saved: { $reason }
photos-avatar-label = Profile photo
photos-avatar-alt = Your profile photo
photos-avatar-upload = Upload profile photo
photos-avatar-remove = Remove profile photo
photos-banner-label = Banner
photos-banner-alt = Your banner
photos-banner-upload = Upload banner
photos-banner-remove = Remove banner
photos-unsupported = That file is not a JPEG, PNG or WebP image.
photos-too-large = That image is too large: at most 10 MiB and 8000 pixels a side.
photos-empty = Choose a file first.
photos-unreadable = That file could not be read as an image.
photos-unreadable-upload = The upload could not be read.
photos-no-such-photo = There is no such photo.

## The sign-in address

email-title = Sign-in email
email-new = New email
email-current = You sign in with
email-hint = The new address is used once you follow the link sent to it; your current address gets a link that undoes the change.
email-requested = A link to confirm the new address is on its way to it. You sign in with your current address until the link is followed.
email-not-sent = No link was sent
email-send = Send the confirmation link

## The member's language

language-title = Language
language-label = Language of your pages and e-mails
language-browser = As my browser asks
language-hint = Without a choice here, pages follow your browser's language, and e-mails are in the space's language.
language-save = Save language

## Two-step sign-in

two-step-title = Two-step sign-in
two-step-turned-off = Two-step sign-in is off. Your other devices were signed out.
two-step-on = On
two-step-on-text = Signing in asks for a code from your authenticator app after your password. { $count ->
    [one] You have { $count } recovery code left.
   *[other] You have { $count } recovery codes left.
}
two-step-code-or-recovery = A code from your app, or a recovery code
two-step-turn-off = Turn two-step sign-in off
two-step-off = Off
two-step-off-text = With two-step sign-in, a stolen password is not enough: signing in also asks for a six-digit code from an authenticator app on your phone (any app that takes a QR code).
two-step-set-up = Set up two-step sign-in
two-step-setup = Set up
two-step-scan = Scan this code with your authenticator app:
two-step-qr = QR code of your two-step sign-in secret
two-step-type-secret = Or type the secret into the app:
two-step-enter-code = Then enter the six-digit code the app shows
two-step-turn-on = Turn two-step sign-in on
two-step-is-on = Two-step sign-in is on
two-step-keep-codes = Keep these recovery codes somewhere safe. Each signs you in once without your phone. They are shown only now.
two-step-download = Download the codes
two-step-others-signed-out = Your other devices were signed out.

## The directory

directory-title = Member directory
directory-search-label = Search names, companies, skills
directory-tag = Tag
directory-search = Search
directory-no-such-member = There is no such member in the directory.
directory-back = Back to the directory
directory-tags = Tags
contact-title = Write to { $name }
contact-sent = Your message was sent.
contact-message = Message
contact-hint = Sent to them by e-mail, as plain text. Your address stays hidden unless you tick the box below.
contact-share-address = Let them reply to my e-mail address
contact-send = Send

## Staff pages

staff-nav = Staff
staff-members-title = Members
staff-audit-title = Audit log
staff-outbox-title = Outbox
staff-search-label = Name, e-mail or company
staff-show = Show
staff-show-everyone = Everyone
staff-show-members = Active members
staff-show-contacts = Contacts
staff-show-suspended = Suspended
staff-location = Location
staff-all-locations = All of mine
staff-find = Find
staff-column-name = Name
staff-column-email = E-mail
staff-column-company = Company
staff-column-status = Status
staff-no-name = (no name)
staff-status-suspended = Suspended
staff-status-member = Member
staff-status-contact = Contact
staff-access-title = Access (staff only)
staff-all-members = All members
staff-not-saved = Nothing was saved:
staff-actions = Actions
staff-suspend = Suspend
staff-suspend-hint = Suspend: no sign-in, out of the directory
staff-reactivate = Reactivate
staff-invite = Invite again
staff-invite-hint = Send a new invitation
staff-require-password = Require a new password
staff-require-password-hint = Require a new password at the next sign-in
staff-reset-two-step = Reset two-step sign-in
staff-reset-two-step-hint = Turn two-step sign-in off
staff-export = Export their data
staff-custom-title = Custom fields of { $location }
staff-save = Save changes
staff-erase-title = Erase this member
staff-erase-text = Deletes the member, every profile, photo, session and link of theirs, their change history and queued mail, at once. The audit log keeps only the kinds and times of their events. This cannot be undone.
staff-erase-confirm = Type their e-mail address to confirm
staff-erase-button = Erase { $name }
staff-not-here = You are not staff at this location.
staff-nothing-changed = Nothing had changed.
staff-suspended = Suspended: every session ended.
staff-reactivated = Active again.
staff-invited = A new invitation is on its way.
staff-password-required = They will choose a new password at their next sign-in.
staff-two-step-reset = Two-step sign-in is off; they may turn it on again.
staff-no-such-action = There is no such action.
staff-erase-mismatch = The address typed does not match theirs; nothing was erased.
staff-audit-who = Who (e-mail)
staff-audit-what = What (e.g. sign_in_failed)
staff-audit-since = From
staff-audit-until = To
staff-audit-filter = Filter
staff-audit-count = { $count ->
    [one] { $count } event, newest first
   *[other] { $count } events, newest first
}
staff-audit-when = When
staff-audit-event = What
staff-audit-member = Member
staff-audit-by = By
staff-audit-source = From
staff-audit-detail = Detail
staff-audit-user = user { $id }
staff-audit-staff-user = staff user { $id }
staff-audit-key = key { $name }
staff-outbox-hint = Mail to your members, newest first. The words are not shown: a sign-in or password link in them would let whoever reads it act as the member.
staff-outbox-queued = Queued
staff-outbox-to = To
staff-outbox-subject = Subject
staff-outbox-state = State
staff-outbox-sent = Sent
staff-outbox-given-up = Given up: { $error }
staff-outbox-retrying = Retrying ({ $count ->
    [one] { $count } attempt
   *[other] { $count } attempts
}): { $error }
staff-outbox-waiting = Waiting

## What the script writes (portal.js)

script-preview = Preview the bio
script-strength = Strength:
script-strength-weak = Weak
script-strength-fair = Fair
script-strength-good = Good
script-strength-strong = Strong
script-tags = Your tags
script-add-tag = Add a tag
script-add-tag-hint = Add a tag (press Enter)
script-remove-tag = Remove tag
script-find-country = Type to find a country
script-find-country-for = Find a country for
script-conflict = Your profile was changed elsewhere since this page was loaded, so nothing was saved. What you typed is still here.
