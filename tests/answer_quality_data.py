"""A labelled set of suggested answers (English and Spanish), example tickets,
and questions written as customers type them (no accents, typing mistakes,
other words than the answers'), each with the answer it should find."""

# key, category (xml id in support_ticket), title, keywords, body
ANSWERS = [
    (
        "en_password",
        "support_category_question",
        "Reset your password",
        "forgot password, login, log in, sign in, credentials, access",
        "On the login page click Forgot password, enter your email address and "
        "follow the link we send you. The link is valid for 24 hours. If the email "
        "does not arrive, look in your spam folder.",
    ),
    (
        "en_2fa",
        "support_category_support",
        "Two-factor authentication codes are not accepted",
        "2FA, authenticator app, verification code, OTP, security code, 6 digit",
        "The codes depend on the clock of your phone: set its date and time to "
        "automatic. If you changed phone, ask us to reset the two-factor "
        "authentication of your account.",
    ),
    (
        "en_printer",
        "support_category_support",
        "The printer shows as offline",
        "printer not printing, print queue, spooler, cannot print, stuck documents",
        "Turn the printer off and on, check that it is on the same network, then "
        "remove it and add it again in Settings > Printers. Clear the print queue.",
    ),
    (
        "en_wifi",
        "support_category_incident",
        "No Wi-Fi connection in the office",
        "wifi, wireless, internet down, network, router, no internet, connection drops",
        "Restart the router by unplugging it for 30 seconds. Forget the network on "
        "your device and connect again with the key printed on the router label.",
    ),
    (
        "en_vpn",
        "support_category_support",
        "Connect to the VPN from home",
        "remote access, work from home, VPN client, tunnel, home office, "
        "company network",
        "Install the VPN client from the portal, sign in with your usual account "
        "and choose the server closest to you. If it fails, check that your home "
        "internet works.",
    ),
    (
        "en_mail_phone",
        "support_category_support",
        "Emails do not arrive on my phone",
        "mail, inbox, smartphone, mobile, sync, outlook app, not updating",
        "Open the settings of the mail app, remove the account and add it again "
        "with the IMAP server mail.example.com, port 993 and SSL.",
    ),
    (
        "en_invoice",
        "support_category_question",
        "Download a copy of an invoice",
        "bill, receipt, invoice PDF, billing, duplicate invoice",
        "Your invoices are in the portal under Invoices: open one and click "
        "Download. We can also send it again by email.",
    ),
    (
        "en_card",
        "support_category_question",
        "Change the payment card",
        "credit card, debit card, expired card, billing details, payment method",
        "In My account > Payment methods add the new card and make it the default "
        "one, then remove the old card.",
    ),
    (
        "en_refund",
        "support_category_question",
        "Request a refund",
        "money back, reimbursement, charged twice, return, cancel order",
        "Refunds are paid within 10 working days to the original payment method. "
        "Write the order number and the reason in your ticket.",
    ),
    (
        "en_delivery",
        "support_category_question",
        "My order has not arrived yet",
        "shipping, delivery, package, parcel, tracking, late, where is my order, "
        "courier",
        "Use the tracking link of the shipping email. Deliveries take 3 to 5 "
        "working days; after 7 days open a ticket with the order number.",
    ),
    (
        "en_update",
        "support_category_support",
        "Update the desktop application",
        "upgrade, new version, install update, software version, outdated program",
        "Open Help > Check for updates, or download the latest installer from the "
        "portal. Close the application before installing.",
    ),
    (
        "en_slow",
        "support_category_support",
        "The computer is very slow",
        "laptop slow, freezing, lag, takes forever, performance, hangs, pc",
        "Restart the computer, close the programs you do not use and check that "
        "the disk has at least 10% of free space. Antivirus scans can slow it down "
        "in the morning.",
    ),
    (
        "en_restore",
        "support_category_support",
        "Restore a deleted file",
        "recover, lost file, deleted by mistake, backup, previous version, document",
        "Files deleted in the last 30 days can be restored from the recycle bin of "
        "the shared drive, or from Backups > Restore in the portal.",
    ),
    (
        "en_new_user",
        "support_category_question",
        "Add a new user to the account",
        "new employee, colleague, invite, create user, licence, seat, hired",
        "Administrators go to Settings > Users > Invite, enter the email address "
        "and choose the role. Each user needs a licence.",
    ),
    (
        "en_cancel",
        "support_category_question",
        "Cancel the subscription",
        "unsubscribe, stop plan, end contract, terminate, close account",
        "You can cancel at any time from My account > Subscription: the service "
        "stays active until the end of the paid period.",
    ),
    (
        "en_hours",
        "support_category_question",
        "Support opening hours",
        "open, schedule, when can I call, hours, weekend, holidays, availability",
        "Phone support answers Monday to Friday from 9:00 to 18:00 (Madrid time). "
        "Tickets and emails are answered within 24 hours.",
    ),
    (
        "en_export",
        "support_category_question",
        "Export data to a spreadsheet",
        "excel, csv, download list, export report, xlsx",
        "In any list select the lines, then Action > Export; choose the columns and "
        "the format (XLSX or CSV).",
    ),
    (
        "en_monitor",
        "support_category_support",
        "The second monitor is not detected",
        "screen, display, external monitor, black screen, hdmi, docking station",
        "Check the cable, then press Windows+P and choose Extend. Update the "
        "graphics driver if the screen stays black.",
    ),
    (
        "en_locked",
        "support_category_support",
        "Account locked after too many attempts",
        "blocked account, locked out, too many tries, disabled user, wrong attempts",
        "The account unlocks by itself after 15 minutes. If it is still locked, an "
        "administrator can unlock it in Settings > Users.",
    ),
    (
        "en_address",
        "support_category_question",
        "Change the delivery address",
        "shipping address, moved, new address, billing address, update address",
        "Update the address in My account > Addresses before the order ships; once "
        "it has shipped, contact the courier with the tracking number.",
    ),
    (
        "es_password",
        "support_category_question",
        "Restablecer la contraseña",
        "olvidé la contraseña, clave, acceso, iniciar sesión, entrar, no me acuerdo",
        "En la página de acceso pulse «¿Olvidó su contraseña?», escriba su correo "
        "y siga el enlace que le enviamos. El enlace vale 24 horas; revise la "
        "carpeta de spam.",
    ),
    (
        "es_invoice",
        "support_category_question",
        "Descargar una factura",
        "recibo, comprobante, copia de factura, facturación, PDF",
        "Sus facturas están en el portal, en Facturas: abra una y pulse Descargar. "
        "También podemos reenviarla por correo.",
    ),
    (
        "es_printer",
        "support_category_support",
        "La impresora no imprime",
        "impresora desconectada, cola de impresión, imprimir, no saca nada",
        "Apague y encienda la impresora, compruebe que está en la misma red y "
        "vuelva a añadirla en Configuración > Impresoras. Vacíe la cola de "
        "impresión.",
    ),
    (
        "es_wifi",
        "support_category_incident",
        "Sin conexión a internet",
        "wifi, red inalámbrica, router, módem, se cae la conexión, sin red",
        "Reinicie el router desenchufándolo 30 segundos. Olvide la red en su "
        "equipo y conéctese de nuevo con la clave de la etiqueta del router.",
    ),
    (
        "es_delivery",
        "support_category_question",
        "Mi pedido no ha llegado",
        "envío, paquete, entrega, seguimiento, retraso, mensajero, dónde está mi "
        "pedido",
        "Use el enlace de seguimiento del correo de envío. Las entregas tardan de 3 "
        "a 5 días laborables; pasados 7 días abra un ticket con el número de "
        "pedido.",
    ),
    (
        "es_refund",
        "support_category_question",
        "Solicitar un reembolso",
        "devolución, devolver el dinero, cobro duplicado, cobraron dos veces, "
        "reintegro",
        "Los reembolsos se hacen en 10 días laborables al mismo medio de pago. "
        "Indique el número de pedido y el motivo.",
    ),
    (
        "es_card",
        "support_category_question",
        "Cambiar la tarjeta de pago",
        "tarjeta de crédito, tarjeta caducada, forma de pago, datos bancarios",
        "En Mi cuenta > Formas de pago añada la nueva tarjeta y márquela como "
        "predeterminada; después elimine la antigua.",
    ),
    (
        "es_mail_phone",
        "support_category_support",
        "No me llegan los correos al móvil",
        "email, teléfono, sincronizar, bandeja de entrada, aplicación de correo",
        "Elimine la cuenta en la aplicación de correo y añádala de nuevo con el "
        "servidor IMAP mail.example.com, puerto 993 y SSL.",
    ),
    (
        "es_vpn",
        "support_category_support",
        "Conectarse a la VPN desde casa",
        "teletrabajo, acceso remoto, trabajar desde casa, cliente VPN, red de la "
        "empresa",
        "Instale el cliente VPN desde el portal, entre con su cuenta habitual y "
        "elija el servidor más cercano.",
    ),
    (
        "es_slow",
        "support_category_support",
        "El ordenador va muy lento",
        "portátil lento, se cuelga, se queda colgado, tarda mucho, rendimiento, pc",
        "Reinicie el equipo, cierre los programas que no use y compruebe que el "
        "disco tiene al menos un 10 % libre.",
    ),
    (
        "es_restore",
        "support_category_support",
        "Recuperar un archivo borrado",
        "fichero eliminado, copia de seguridad, restaurar, documento perdido, papelera",
        "Los archivos borrados en los últimos 30 días se recuperan desde la "
        "papelera de la unidad compartida o desde Copias > Restaurar en el portal.",
    ),
    (
        "es_new_user",
        "support_category_question",
        "Dar de alta un nuevo usuario",
        "nuevo empleado, compañero, invitar, crear usuario, licencia, contratado",
        "Los administradores van a Configuración > Usuarios > Invitar, escriben el "
        "correo y eligen el rol. Cada usuario necesita una licencia.",
    ),
    (
        "es_cancel",
        "support_category_question",
        "Darse de baja del servicio",
        "cancelar la suscripción, anular el contrato, dejar el plan, cerrar la cuenta",
        "Puede cancelar cuando quiera desde Mi cuenta > Suscripción; el servicio "
        "sigue activo hasta el final del periodo pagado.",
    ),
    (
        "es_hours",
        "support_category_question",
        "Horario de atención",
        "horas, cuándo abren, teléfono de soporte, fines de semana, sábados, festivos",
        "El soporte telefónico atiende de lunes a viernes de 9:00 a 18:00 (hora de "
        "Madrid). Los tickets y el correo se responden en 24 horas.",
    ),
    (
        "es_export",
        "support_category_question",
        "Exportar datos a Excel",
        "hoja de cálculo, csv, descargar listado, informe, xlsx",
        "En cualquier lista seleccione las líneas, luego Acción > Exportar; elija "
        "las columnas y el formato.",
    ),
    (
        "es_monitor",
        "support_category_support",
        "No detecta el segundo monitor",
        "pantalla, monitor externo, pantalla en negro, hdmi, base de conexión",
        "Revise el cable, pulse Windows+P y elija Extender. Actualice el "
        "controlador gráfico si la pantalla sigue en negro.",
    ),
    (
        "es_update",
        "support_category_support",
        "Actualizar la aplicación de escritorio",
        "nueva versión, instalar actualización, programa desactualizado",
        "Abra Ayuda > Buscar actualizaciones o descargue el instalador más reciente "
        "del portal. Cierre la aplicación antes de instalar.",
    ),
    (
        "es_address",
        "support_category_question",
        "Cambiar la dirección de entrega",
        "dirección de envío, mudanza, me he mudado, nueva dirección, domicilio",
        "Cambie la dirección en Mi cuenta > Direcciones antes de que salga el "
        "pedido; si ya salió, contacte con el mensajero.",
    ),
    (
        "es_locked",
        "support_category_support",
        "Cuenta bloqueada por intentos fallidos",
        "usuario bloqueado, demasiados intentos, no me deja entrar, cuenta desactivada",
        "La cuenta se desbloquea sola a los 15 minutos. Si sigue bloqueada, un "
        "administrador puede desbloquearla en Configuración > Usuarios.",
    ),
    (
        "es_quote",
        "support_category_question",
        "Pedir un presupuesto",
        "cotización, precio, cuánto cuesta, oferta, tarifa",
        "Abra un ticket de categoría Consulta con lo que necesita: le enviamos el "
        "presupuesto en 48 horas y puede aceptarlo desde el portal.",
    ),
]

# resolved tickets marked as examples: key, subject, what the customer wrote
# (private), the team's public reply, an internal note (private)
EXAMPLES = [
    (
        "ex_toner",
        "Printer says toner low with a new cartridge",
        "Our printer in room 4 (customer number 998877) keeps saying the toner is low.",
        "Remove the protective tape of the new cartridge, then reset the toner "
        "counter from the printer menu: Settings > Supplies > Reset.",
        "Customer is on the old contract, do not offer the free visit.",
    ),
    (
        "ex_calendar",
        "Shared calendar not visible to a colleague",
        "Juan (juan.private@example.com) cannot see my agenda.",
        "The owner must share the calendar with read rights: right click the "
        "calendar, Sharing, then add the colleague.",
        "Escalated once already.",
    ),
    (
        "ex_scanner",
        "El escáner no envía al correo",
        "Desde el lunes el escáner de recepción no manda nada, mi móvil es 600 123 "
        "456.",
        "Hemos actualizado la contraseña SMTP del escáner en su panel web: Red > "
        "Correo saliente. Ya envía los documentos escaneados.",
        "Contraseña SMTP nueva: Xk-4421.",
    ),
    (
        "ex_keyboard",
        "El teclado escribe letras raras",
        "Al escribir la eñe sale otra cosa.",
        "El idioma del teclado estaba en inglés: pulse Alt+Mayús o cámbielo en "
        "Configuración > Idioma > Teclado a Español.",
        "Equipo del cliente sin garantía.",
    ),
]

# (expected key, question as typed)
QUESTIONS = [
    ("en_password", "i forgot my pasword how do i get in"),
    ("en_password", "cant remember the login credentials for my acount"),
    ("en_2fa", "the 6 digit code from the authenticator app is always rejected"),
    ("en_2fa", "my phone clock might be wrong, the login codes fail"),
    ("en_printer", "priner wont print, it says offline"),
    ("en_printer", "my documents stay stuck in the print queue"),
    ("en_wifi", "the wireless keeps dropping in the office"),
    ("en_wifi", "no internet since this morning, router lights blinking"),
    ("en_vpn", "how to access the company network from home"),
    ("en_vpn", "remote acess tunnel does not connect when working from home"),
    ("en_mail_phone", "my inbox on the smartphone is not updating"),
    ("en_mail_phone", "the mail app on my phone does not get new messages"),
    ("en_invoice", "where can i get a pdf of my last bill"),
    ("en_invoice", "need a duplicate invoice for the accountant"),
    ("en_card", "my credit card expired, how do i put the new one"),
    ("en_card", "update payment method"),
    ("en_refund", "i was charged twice i want my money back"),
    ("en_refund", "how long does a reimbursment take"),
    ("en_delivery", "where is my parcel it has been a week"),
    ("en_delivery", "more than 5 working days and nothing arrived"),
    ("en_update", "how to install the new version of the desktop program"),
    ("en_update", "the software says it is outdated"),
    ("en_slow", "my laptop is freezing all the time"),
    ("en_slow", "pc takes forever to open anything"),
    ("en_restore", "i deleted a file by mistake can i recover it"),
    ("en_restore", "is there a recycle bin on the shared drive"),
    ("en_new_user", "how do i invite a new employee to our account"),
    ("en_new_user", "we hired a colleague, need another licence seat"),
    ("en_cancel", "i want to stop my plan"),
    ("en_cancel", "how to terminate the contract and close the account"),
    ("en_hours", "when can i call you, are you open on weekends"),
    ("en_hours", "what time does the phone line close on friday"),
    ("en_export", "can i download the list as excel"),
    ("en_export", "export a report to csv"),
    ("en_monitor", "external display stays black with hdmi"),
    ("en_monitor", "do i need a new graphics driver, the screen is black"),
    ("en_locked", "how long until my account unlocks"),
    ("en_locked", "it says my user is disabled after wrong attempts"),
    ("en_address", "we moved, how do i change the shipping adress"),
    ("en_address", "update billing address for next orders"),
    ("es_password", "olvide mi contrasena y no puedo entrar"),
    ("es_password", "no me llega el enlace para cambiar la clave"),
    ("es_invoice", "donde descargo el pdf de mi ultima factura"),
    ("es_invoice", "necesito una copia del recibo"),
    ("es_printer", "la impresra no saca nada, esta desconectada"),
    ("es_printer", "los documentos se quedan en la cola de impresion"),
    ("es_wifi", "se cae el wifi cada rato"),
    ("es_wifi", "no tengo internet desde esta manana el router parpadea"),
    ("es_delivery", "donde esta mi paquete, ya paso una semana"),
    ("es_delivery", "han pasado 7 dias y no tengo el paquete"),
    ("es_refund", "me cobraron dos veces quiero que me devuelvan el dinero"),
    ("es_refund", "en cuantos dias me devuelven el dinero"),
    ("es_card", "mi tarjeta caduco como pongo la nueva"),
    ("es_card", "quiero cambiar la forma de pago"),
    ("es_mail_phone", "no me llegan los emails al telefono"),
    ("es_mail_phone", "como configuro imap en el movil"),
    ("es_vpn", "como me conecto a la red de la empresa desde casa"),
    ("es_vpn", "el acceso remoto no funciona en teletrabajo"),
    ("es_slow", "el portatil se queda colgado todo el rato"),
    ("es_slow", "el disco esta casi lleno y todo va lentisimo"),
    ("es_restore", "borre un documento sin querer, se puede recuperar"),
    ("es_restore", "necesito restaurar un fichero de la copia de seguridad"),
    ("es_new_user", "como invito a un empleado nuevo"),
    ("es_new_user", "hemos contratado a un companero y necesita usuario"),
    ("es_cancel", "quiero cancelar la suscripcion"),
    ("es_cancel", "si cancelo sigo teniendo el servicio hasta fin de mes"),
    ("es_hours", "a que hora abren, atienden los sabados"),
    ("es_hours", "cual es el horario del telefono de soporte"),
    ("es_export", "puedo descargar el listado en excel"),
    ("es_export", "exportar un informe a csv"),
    ("es_monitor", "tengo que actualizar el controlador grafico? no se ve la pantalla"),
    ("es_monitor", "la segunda pantalla no la detecta"),
    ("es_update", "donde encuentro el instalador mas reciente"),
    ("es_update", "me dice que el programa esta desactualizado"),
    ("es_address", "me he mudado, como cambio la direccion de envio"),
    ("es_address", "quiero poner otro domicilio para las entregas"),
    ("es_locked", "mi usuario esta bloqueado por demasiados intentos"),
    ("es_locked", "no me deja entrar, dice cuenta desactivada"),
    ("es_quote", "cuanto cuesta instalar dos puestos, quiero una cotizacion"),
    ("es_quote", "pueden enviarme una oferta con precios"),
    ("ex_toner", "printer says toner is low but i just put a new cartridge"),
    ("ex_toner", "new toner cartrige not recognised"),
    ("ex_calendar", "my colleague cannot see the shared calendar"),
    ("ex_calendar", "how to give a coworker access to my calendar"),
    ("ex_scanner", "el escaner no manda los documentos al email"),
    ("ex_scanner", "escanear a correo no funciona"),
    ("ex_keyboard", "el teclado pone simbolos raros en vez de la n"),
    ("ex_keyboard", "cuando escribo salen otras letras, idioma del teclado"),
]

# texts that match nothing: no suggestion at all
UNRELATED = ["hello good morning", "asdfgh qwerty zxcvb", "hola buenos dias"]
