# Las palabras de los correos que envía Portico, en español (como locales/en/mail.ftl).

mail-greeting = Hola:
mail-greeting-name = Hola, { $name }:
mail-open-address = O abre esta dirección:
mail-invitation-subject = tu invitación
mail-invitation-invited = Te han invitado al portal de miembros de { $location }.
mail-invitation-choose = Elige tu contraseña para iniciar sesión. El enlace funciona una vez, durante { $days ->
    [one] { $days } día
   *[other] { $days } días
}.
mail-invitation-button = Elegir tu contraseña
mail-invitation-closing = Si no esperabas esta invitación, puedes ignorar este mensaje.
mail-reset-subject = restablece tu contraseña
mail-reset-asked = Alguien ha pedido restablecer la contraseña de tu cuenta; esperamos que hayas sido tú.
mail-reset-choose = Elige una contraseña nueva con este enlace. Funciona una vez, durante una hora, y cierra tu sesión en todas partes.
mail-reset-button = Elegir una contraseña nueva
mail-reset-closing = Si no lo has pedido tú, ignora este mensaje: tu contraseña sigue igual.
mail-sign-in-subject = tu enlace de inicio de sesión
mail-sign-in-asked = Alguien ha pedido un enlace para iniciar sesión sin tu contraseña; esperamos que hayas sido tú.
mail-sign-in-use = Inicia sesión con este enlace. Funciona una vez, durante 15 minutos.
mail-sign-in-button = Iniciar sesión
mail-sign-in-closing = Si no lo has pedido tú, ignora este mensaje: nadie puede iniciar sesión sin el enlace.
mail-email-confirm-subject = confirma tu nuevo correo electrónico
mail-email-confirm-asked = Has pedido iniciar sesión con esta dirección a partir de ahora.
mail-email-confirm-use = Confírmala con este enlace, que funciona una vez, durante 24 horas. Hasta entonces sigue en uso tu dirección anterior.
mail-email-confirm-button = Confirmar esta dirección
mail-email-confirm-closing = Si no lo has pedido tú, ignora este mensaje: no cambia nada.
mail-email-notice-subject = se está cambiando tu correo electrónico
mail-email-notice-asked = Alguien con sesión iniciada en tu cuenta ha pedido cambiar su correo electrónico a { $email }.
mail-email-notice-undo = Si no has sido tú, deshazlo con este enlace en un plazo de 7 días: se restablece tu dirección y se cierran todas las sesiones de tu cuenta.
mail-email-notice-button = No he sido yo: deshacer
mail-email-notice-closing = Si has sido tú, no tienes que hacer nada.
mail-in-use-subject = esta dirección ya está en uso
mail-in-use-asked = Alguien ha pedido usar esta dirección para una cuenta, pero ya pertenece a una: la tuya.
mail-in-use-nothing = No se ha cambiado nada. Si no lo esperabas, puedes ignorar este mensaje.
mail-in-use-closing = No tienes que hacer nada.
mail-relay-subject = un mensaje de { $sender }
mail-relay-opening = { $sender } te ha escrito a través del directorio de miembros de { $location }:
mail-relay-reply-shared = Responde a este correo para contestar a { $sender }: tu respuesta irá a su dirección.
mail-relay-reply-hidden = { $sender } no ha compartido su dirección de correo, así que responder a este correo no llega a nadie.
mail-relay-card-text = La ficha de { $sender } en el directorio: { $card }
mail-relay-card-button = Ver su ficha
mail-relay-privacy = Este mensaje se ha reenviado sin mostrar tu dirección de correo a { $sender }. Si no es bienvenido, avisa al equipo de { $location }.
