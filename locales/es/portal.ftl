# Las palabras del portal de miembros en español: mensaje por mensaje como locales/en/portal.ftl.
# Se trata de «tú».

## Común

saved = Guardado.
back-to-sign-in = Volver a iniciar sesión
back-to-profile = Volver a tu perfil
check-mail-title = Revisa tu correo
members-count = { $count ->
    [one] { $count } miembro
   *[other] { $count } miembros
}
pages = Páginas
pages-previous = Anterior
pages-next = Siguiente
date-time = { $day } de { $month } de { $year }, { $time } UTC
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre
wait-seconds = { $count ->
    [one] { $count } segundo
   *[other] { $count } segundos
}
wait-minutes = { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
}
wait-hours = { $count ->
    [one] { $count } hora
   *[other] { $count } horas
}

## El marco de cada página

layout-skip = Saltar al contenido
layout-nav = Menú principal
layout-my-profile = Mi perfil
layout-directory = Directorio de miembros
layout-sign-out = Cerrar sesión

## Un formulario de otro sitio; un fallo

refused-title = Rechazado
refused-heading = No se pudo aceptar este formulario
refused-text = No se envió desde una página de este sitio, así que no se ha cambiado nada.
refused-back = Vuelve a tu perfil e inténtalo de nuevo.
failed-title = Error
failed-heading = Algo ha salido mal
failed-nav = Adónde ir ahora
failed-to-profile = Tu perfil
failed-to-directory = El directorio de miembros
failed-to-sign-in = Iniciar sesión

## Los errores, tal como los lee un miembro

error-validation = No se aceptó parte de lo enviado: { $names }.
error-wrong-code = El código es incorrecto o ya se usó.
error-second-step-expired = El inicio de sesión tardó demasiado: vuelve a escribir tu contraseña.
error-wrong-credentials = El correo electrónico o la contraseña son incorrectos.
error-link-or-token = Este enlace o código ya no funciona: ya se usó o ha caducado.
error-invalid-parameter = No se pudo leer la búsqueda ({ $name }).
error-two-step-setup-required = Tu espacio exige el inicio de sesión en dos pasos: configúralo primero.
error-two-step-required = El inicio de sesión en dos pasos está activado: escribe el código de tu aplicación de autenticación.
error-must-reset-password = Elige primero una contraseña nueva: tu espacio lo ha pedido.
error-unauthenticated = Inicia sesión primero.
error-forbidden = No puedes hacer esto aquí.
error-not-found = Aquí no hay nada: se eliminó o la dirección es incorrecta.
error-conflict = Otro cambio llegó antes (la dirección o el nombre ya están ocupados); recarga e inténtalo de nuevo.
error-precondition-failed = Tu perfil cambió desde que se cargó esta página; recárgala e inténtalo de nuevo.
error-locked = Demasiadas contraseñas incorrectas: la comprobación de contraseñas de esta cuenta está bloqueada; inténtalo de nuevo dentro de { $wait }.
error-rate-limited = Demasiados intentos de inicio de sesión desde tu dirección; inténtalo de nuevo dentro de { $wait }.
error-drafts-member = Has usado tus borradores con IA de esta hora; inténtalo de nuevo dentro de { $wait }.
error-drafts-location = Esta sede ha usado sus borradores con IA de hoy; inténtalo de nuevo dentro de { $wait }.
error-too-many-links = Se enviaron demasiados correos para esta cuenta en la última hora; inténtalo más tarde.
error-too-many-messages = Has escrito a tantos miembros como se permite por ahora; inténtalo de nuevo dentro de { $wait }.
error-ai-failed = El asistente de IA no pudo escribir un borrador ahora; inténtalo más tarde.
error-ai-timeout = El asistente de IA tardó demasiado en responder; inténtalo más tarde.
error-unavailable = El servicio no está disponible por un momento; inténtalo de nuevo enseguida.
error-busy = El servidor está ocupado con otras comprobaciones de contraseñas; inténtalo de nuevo en un momento.
error-invalid = No se pudo hacer: { $detail }
error-internal = Algo ha fallado por nuestra parte; ha quedado registrado.
error-summary = { $outcome }: corrige { $count ->
    [one] este punto
   *[other] estos puntos
}

## El error de un campo

field-error-required = no puede estar vacío
field-error-not-nullable = no puede estar vacío
field-error-wrong-type = no tiene la forma correcta
field-error-too-long = es demasiado largo
field-error-control-characters = contiene caracteres de control
field-error-invalid-email = no es un correo electrónico válido
field-error-invalid-url = no es una dirección http o https válida
field-error-invalid-date = no es una fecha
field-error-invalid-number = debe ser un número, como 12 o 12,5
field-error-invalid-code = no es el código actual
field-error-date-out-of-range = está fuera del periodo permitido
field-error-invalid-phone = no es un número de teléfono válido
field-error-invalid-choice = no es una de las respuestas posibles
field-error-unknown-country = no es un país conocido
field-error-invalid-tax-id = solo puede contener letras, cifras, espacios y - . /
field-error-invalid-handle = no es un usuario o enlace válido para esta red
field-error-tag-too-long = contiene una etiqueta demasiado larga
field-error-too-many-tags = contiene demasiadas etiquetas
field-error-not-writable = solo lo puede cambiar el equipo de tu espacio
field-error-password-mismatch = no coincide con la contraseña nueva
field-error-password-required = elige una contraseña nueva
field-error-wrong-current-password = no es tu contraseña actual
field-error-password-too-short = es demasiado corta para las reglas de esta sede
field-error-password-too-long = es demasiado larga
field-error-password-too-common = es demasiado común y fácil de adivinar
field-error-password-too-weak = es demasiado fácil de adivinar: cuanto más larga, mejor
field-error-password-contains-email = no debe contener tu correo electrónico
field-error-password-contains-name = no debe contener tu nombre
field-error-password-unchanged = debe ser distinta de la contraseña actual
field-error-password-needs = no cumple todas las reglas de esta sede (cifra, mayúscula, minúscula o símbolo)
field-error-ai-unavailable = Los borradores con IA están desactivados en esta sede.
field-error-not-enough-to-draft = Faltan datos para un borrador: completa primero tu perfil profesional.
field-error-invalid-link = este enlace ya no funciona; pide uno nuevo
field-error-email-unchanged = ya es tu dirección de inicio de sesión
field-error-bio-too-complex = está demasiado anidado o es demasiado grande para mostrarlo
field-error-unsupported-image = debe ser una imagen JPEG, PNG o WebP
field-error-invalid-image = no se pudo leer como imagen
field-error-image-too-large = es demasiado grande: como mucho 10 MiB y 8000 píxeles por lado
field-error-other = no se aceptó

## Los datos del perfil, como etiquetas

field-full-name = Nombre completo
field-salutation = Tratamiento
field-nick-name = Apodo
field-gender = Género
field-date-of-birth = Fecha de nacimiento
field-mobile-phone = Teléfono móvil
field-land-line = Teléfono fijo
field-address = Dirección
field-post-code = Código postal
field-city-name = Ciudad
field-state = Provincia o región
field-country-id = País
field-billing-name = Nombre de facturación
field-billing-email = Correo de facturación
field-billing-address = Dirección de facturación
field-billing-post-code = Código postal de facturación
field-billing-city-name = Ciudad de facturación
field-billing-state = Provincia o región de facturación
field-billing-country-id = País de facturación
field-tax-idnumber = NIF o número fiscal
field-position = Cargo
field-company-name = Empresa
field-business-area = Sector
field-profile-summary = Sobre mí (Markdown)
field-profile-website = Sitio web
field-profile-is-public = Mostrarme en el directorio de miembros
field-profile-tags = Etiquetas (separadas por comas)
field-on-help-desk-msg = Respuestas a mis mensajes al servicio de ayuda
field-on-new-wall-post = Nuevas publicaciones en el muro de la comunidad
field-on-new-blog-comment = Comentarios en artículos del blog
field-on-new-event-comment = Comentarios en eventos
field-receive-community-digest = El resumen de la comunidad
field-sign-up-to-newsletter = El boletín
field-is-member = Miembro (no solo contacto)
field-access-pincode = PIN de acceso

## Los campos

form-choose = Elige…
form-required = (obligatorio)
form-yes = Sí
form-no = No
form-gender-male = Hombre
form-gender-female = Mujer
form-gender-other = Otro
form-gender-rather-not-say = Prefiero no decirlo

## Inicio de sesión

signin-title = Iniciar sesión
signin-email = Correo electrónico
signin-password = Contraseña
signin-button = Iniciar sesión
signin-password-set = Tu contraseña está guardada. Inicia sesión con ella.
signin-incorrect = El correo electrónico o la contraseña son incorrectos.
signin-link-intro = ¿No tienes la contraseña a mano? Podemos enviarte por correo un enlace que inicia tu sesión una vez.
signin-link-button = Enviarme un enlace de inicio de sesión
signin-forgot = ¿Has olvidado tu contraseña?
signin-code-label = Código de tu aplicación de autenticación
signin-code-hint = Seis cifras; o uno de tus códigos de recuperación si no tienes el teléfono.
signin-start-again = Empezar de nuevo
signin-one-time-expired = Este enlace de inicio de sesión ya no funciona: ya se usó o es demasiado antiguo. Vuelve a iniciar sesión.
signin-link-page = Inicia sesión con el enlace de tu correo. Funciona una vez.
signin-link-expired = Este enlace de inicio de sesión ya no funciona: ya se usó, se sustituyó por uno más reciente o ha caducado.
signin-link-sent = Si { $email } pertenece a un miembro, va de camino un enlace de inicio de sesión. Funciona una vez, durante 15 minutos.
email-problem = El correo electrónico { $problem }.

## Contraseña olvidada, restablecer, bienvenida

forgot-title = ¿Has olvidado tu contraseña?
forgot-intro = Indica el correo electrónico con el que inicias sesión; te enviaremos un enlace para elegir una contraseña nueva.
forgot-send = Enviar el enlace
forgot-sent = Si { $email } pertenece a un miembro, va de camino un enlace para elegir una contraseña nueva. Funciona una vez, durante una hora.
forgot-too-many = Demasiadas solicitudes. Inténtalo de nuevo dentro de { $wait }.
reset-title = Elige una contraseña nueva
reset-intro = Al guardarla se cierra tu sesión en todos los dispositivos.
welcome-title = Te damos la bienvenida: elige tu contraseña
welcome-intro = Iniciarás sesión con tu correo electrónico y esta contraseña.
password-for = La contraseña es para la dirección
link-expired = Este enlace ya no funciona: ya se usó, se sustituyó por uno más reciente o ha caducado.
link-ask-new = Pedir un enlace nuevo.
password-set-button = Guardar la contraseña
password-current = Contraseña actual
password-new = Contraseña nueva
password-repeat = Repite la contraseña nueva

## Confirmar o deshacer un cambio de dirección

confirm-email-title = Confirma tu nuevo correo electrónico
confirm-email-text = A partir de ahora iniciarás sesión con esta dirección.
confirm-email-button = Confirmar
confirm-email-done = Ahora inicias sesión con { $email }.
undo-email-title = Deshacer el cambio de tu correo electrónico
undo-email-text = Se restablece tu dirección anterior y se cierran todas las sesiones de tu cuenta: vuelve a iniciar sesión y cambia tu contraseña si otra persona la conocía.
undo-email-button = Deshacer el cambio
undo-email-done = Tu dirección anterior vuelve a estar en uso y se han cerrado todas las sesiones. Vuelve a iniciar sesión.
email-link-done = Hecho
email-link-broken = Este enlace no funciona
email-link-broken-text = Ya se usó, se sustituyó por uno más reciente o ha caducado.

## La página del perfil

profile-title = Mi perfil
profile-heading = Mi perfil
profile-at = Perfil en
profile-switch-to = Cambiar a
profile-switch = Cambiar
profile-contents = En esta página
profile-conflict = Tu perfil se cambió en otro sitio desde que se cargó esta página, así que no se guardó nada. Lo que escribiste sigue abajo.
profile-conflict-reload = Recargar la página
profile-no-such-section = Esa sección no existe.
profile-choose-one = Elige uno de tus perfiles.
profile-not-yours = Ese perfil no es tuyo.
profile-not-saved = No se guardó nada
profile-personal-title = Datos personales
profile-personal-save = Guardar los datos personales
profile-professional-title = Perfil profesional
profile-professional-save = Guardar el perfil profesional
profile-billing-title = Datos de facturación
profile-billing-save = Guardar los datos de facturación
profile-notifications-title = Notificaciones
profile-notifications-save = Guardar las notificaciones
profile-access-title = Acceso
profile-more-title = Más sobre ti
profile-more-save = Guardar tus respuestas
profile-more-hint = Preguntas de { $location }.
profile-set-by = (lo fija { $location })
profile-password-title = Contraseña
profile-password-save = Cambiar la contraseña
profile-password-changed = Tu contraseña se ha cambiado. Se cerró la sesión en tus otros dispositivos.
profile-password-rules = Reglas en { $location }: { $rules }.
profile-access-pin = Tu PIN de acceso, fijado por { $location }:
profile-two-step = Inicio de sesión en dos pasos (un código de una aplicación de autenticación después de tu contraseña):
profile-two-step-link = configurarlo o gestionarlo.
profile-draft-button = Redactar con IA
profile-draft-hint = Escribe un borrador de resumen a partir de tu perfil profesional guardado y tus redes sociales (guarda antes tus cambios). No se guarda nada hasta que guardes.
profile-draft-written = Hay un borrador abajo, en «{ $field }», escrito a partir de: { $sources }. Aún no se ha guardado nada: revísalo, edítalo y después guarda.
profile-draft-failed = Sin borrador: { $reason } No se cambió nada.
profile-preview-failed = No se puede mostrar la vista previa: el texto está demasiado anidado o es demasiado largo.
password-rule-length = de { $min } a { $max } caracteres
password-rule-strength = solidez de al menos { $score } sobre { $max }
password-rule-common = contraseñas comunes rechazadas
password-rule-personal = tu correo y tu nombre rechazados
password-rule-digit = se necesita una cifra
password-rule-upper = se necesita una mayúscula
password-rule-lower = se necesita una minúscula
password-rule-symbol = se necesita un símbolo
password-rule-two-step = se necesita el inicio de sesión en dos pasos

## Las fotos del perfil

photos-title = Fotos
photos-hint = JPEG, PNG o WebP, hasta { $size } MiB. Las fotos se recortan al centro; se eliminan la ubicación y otros datos que una cámara guarda en una foto. Los miembros ven tu foto en el directorio solo mientras tu perfil aparezca en él.
photos-not-saved = No se guardó nada: { $reason }
photos-avatar-label = Foto de perfil
photos-avatar-alt = Tu foto de perfil
photos-avatar-upload = Subir la foto de perfil
photos-avatar-remove = Quitar la foto de perfil
photos-banner-label = Banner
photos-banner-alt = Tu banner
photos-banner-upload = Subir el banner
photos-banner-remove = Quitar el banner
photos-unsupported = Ese archivo no es una imagen JPEG, PNG o WebP.
photos-too-large = Esa imagen es demasiado grande: como mucho 10 MiB y 8000 píxeles por lado.
photos-empty = Elige primero un archivo.
photos-unreadable = No se pudo leer ese archivo como imagen.
photos-unreadable-upload = No se pudo leer lo que se subió.
photos-no-such-photo = Esa foto no existe.

## La dirección de inicio de sesión

email-title = Correo de inicio de sesión
email-new = Correo electrónico nuevo
email-current = Inicias sesión con
email-hint = La dirección nueva se usa en cuanto sigas el enlace que se le envía; tu dirección actual recibe un enlace que deshace el cambio.
email-requested = Va de camino a la dirección nueva un enlace para confirmarla. Hasta que lo sigas, inicias sesión con tu dirección actual.
email-not-sent = No se envió ningún enlace
email-send = Enviar el enlace de confirmación

## El idioma del miembro

language-title = Idioma
language-label = Idioma de tus páginas y correos
language-browser = El que pida mi navegador
language-hint = Si no eliges aquí, las páginas siguen el idioma de tu navegador y los correos llegan en el idioma del espacio.
language-save = Guardar el idioma

## Inicio de sesión en dos pasos

two-step-title = Inicio de sesión en dos pasos
two-step-turned-off = El inicio de sesión en dos pasos está desactivado. Se cerró la sesión en tus otros dispositivos.
two-step-on = Activado
two-step-on-text = Al iniciar sesión se pide un código de tu aplicación de autenticación después de la contraseña. { $count ->
    [one] Te queda { $count } código de recuperación.
   *[other] Te quedan { $count } códigos de recuperación.
}
two-step-code-or-recovery = Un código de tu aplicación o un código de recuperación
two-step-turn-off = Desactivar el inicio de sesión en dos pasos
two-step-off = Desactivado
two-step-off-text = Con el inicio de sesión en dos pasos no basta con una contraseña robada: también se pide un código de seis cifras de una aplicación de autenticación en tu teléfono (cualquiera que lea códigos QR).
two-step-set-up = Configurar el inicio de sesión en dos pasos
two-step-setup = Configuración
two-step-scan = Escanea este código con tu aplicación de autenticación:
two-step-qr = Código QR del secreto de tu inicio de sesión en dos pasos
two-step-type-secret = O escribe el secreto en la aplicación:
two-step-enter-code = Después escribe el código de seis cifras que muestra la aplicación
two-step-turn-on = Activar el inicio de sesión en dos pasos
two-step-is-on = El inicio de sesión en dos pasos está activado
two-step-keep-codes = Guarda estos códigos de recuperación en un lugar seguro. Cada uno inicia tu sesión una vez sin el teléfono. Solo se muestran ahora.
two-step-download = Descargar los códigos
two-step-others-signed-out = Se cerró la sesión en tus otros dispositivos.

## El directorio

directory-title = Directorio de miembros
directory-search-label = Buscar nombres, empresas, habilidades
directory-tag = Etiqueta
directory-search = Buscar
directory-no-such-member = Ese miembro no está en el directorio.
directory-back = Volver al directorio
directory-tags = Etiquetas
contact-title = Escribir a { $name }
contact-sent = Tu mensaje se ha enviado.
contact-message = Mensaje
contact-hint = Se le envía por correo, como texto sin formato. Tu dirección queda oculta salvo que marques la casilla de abajo.
contact-share-address = Permitir que me responda a mi dirección de correo
contact-send = Enviar

## Las páginas del equipo

staff-nav = Equipo
staff-members-title = Miembros
staff-audit-title = Registro de auditoría
staff-outbox-title = Bandeja de salida
staff-search-label = Nombre, correo electrónico o empresa
staff-show = Mostrar
staff-show-everyone = Todos
staff-show-members = Miembros activos
staff-show-contacts = Contactos
staff-show-suspended = Suspendidos
staff-location = Sede
staff-all-locations = Todas las mías
staff-find = Buscar
staff-column-name = Nombre
staff-column-email = Correo electrónico
staff-column-company = Empresa
staff-column-status = Estado
staff-no-name = (sin nombre)
staff-status-suspended = Suspendido
staff-status-member = Miembro
staff-status-contact = Contacto
staff-access-title = Acceso (solo el equipo)
staff-all-members = Todos los miembros
staff-not-saved = No se guardó nada:
staff-actions = Acciones
staff-suspend = Suspender
staff-suspend-hint = Suspender: sin inicio de sesión, fuera del directorio
staff-reactivate = Reactivar
staff-invite = Invitar de nuevo
staff-invite-hint = Enviar una invitación nueva
staff-require-password = Exigir una contraseña nueva
staff-require-password-hint = Exigir una contraseña nueva en el próximo inicio de sesión
staff-reset-two-step = Restablecer el inicio de sesión en dos pasos
staff-reset-two-step-hint = Desactivar el inicio de sesión en dos pasos
staff-export = Exportar sus datos
staff-custom-title = Campos propios de { $location }
staff-save = Guardar los cambios
staff-erase-title = Borrar a este miembro
staff-erase-text = Elimina al miembro, todos sus perfiles, fotos, sesiones y enlaces, su historial de cambios y sus correos pendientes, de una vez. El registro de auditoría solo conserva el tipo y la hora de sus eventos. No se puede deshacer.
staff-erase-confirm = Escribe su correo electrónico para confirmar
staff-erase-button = Borrar a { $name }
staff-not-here = No formas parte del equipo de esta sede.
staff-nothing-changed = No había cambiado nada.
staff-suspended = Suspendido: se cerraron todas las sesiones.
staff-reactivated = Activo de nuevo.
staff-invited = Va de camino una invitación nueva.
staff-password-required = Elegirá una contraseña nueva en su próximo inicio de sesión.
staff-two-step-reset = El inicio de sesión en dos pasos está desactivado; puede volver a activarlo.
staff-no-such-action = Esa acción no existe.
staff-erase-mismatch = La dirección escrita no coincide; no se borró nada.
staff-audit-who = Quién (correo electrónico)
staff-audit-what = Qué (p. ej. sign_in_failed)
staff-audit-since = Desde
staff-audit-until = Hasta
staff-audit-filter = Filtrar
staff-audit-count = { $count ->
    [one] { $count } evento, los más recientes primero
   *[other] { $count } eventos, los más recientes primero
}
staff-audit-when = Cuándo
staff-audit-event = Qué
staff-audit-member = Miembro
staff-audit-by = Por
staff-audit-source = Desde
staff-audit-detail = Detalle
staff-audit-user = usuario { $id }
staff-audit-staff-user = miembro del equipo { $id }
staff-audit-key = clave { $name }
staff-outbox-hint = Correos a tus miembros, los más recientes primero. No se muestra el texto: un enlace de inicio de sesión o de contraseña permitiría a quien lo lea actuar como el miembro.
staff-outbox-queued = En cola
staff-outbox-to = Para
staff-outbox-subject = Asunto
staff-outbox-state = Estado
staff-outbox-sent = Enviado
staff-outbox-given-up = Abandonado: { $error }
staff-outbox-retrying = Reintentando ({ $count ->
    [one] { $count } intento
   *[other] { $count } intentos
}): { $error }
staff-outbox-waiting = En espera

## Lo que escribe el script (portal.js)

script-preview = Vista previa de la bio
script-strength = Solidez:
script-strength-weak = Débil
script-strength-fair = Aceptable
script-strength-good = Buena
script-strength-strong = Fuerte
script-tags = Tus etiquetas
script-add-tag = Añadir una etiqueta
script-add-tag-hint = Añadir una etiqueta (pulsa Intro)
script-remove-tag = Quitar la etiqueta
script-find-country = Escribe para buscar un país
script-find-country-for = Buscar un país para
script-conflict = Tu perfil se cambió en otro sitio desde que se cargó esta página, así que no se guardó nada. Lo que escribiste sigue aquí.
