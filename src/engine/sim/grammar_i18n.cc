// User prompts in Spanish, German, French, Chinese and Portuguese. Smaller
// phrase tables than English: one list per capability and frame part; code,
// logs and tables stay in their own (mostly English) notation, as people
// paste them. Every phrase was written for this project.
#include <algorithm>

#include "engine/sim/grammar_core.h"

namespace hw::sim::gram {

namespace {

struct Local {
  List greet, close, extra, answer;
  List req[8];  // by Capability
  List re_intro, re_tail, step_intro, step_tail, rub_intro, rub_tail, rub_lines;
  List syn_intro, syn_tail, per_intro, per_tail;
  Sv label_task, label_resp, label_rubric;
  bool spaced;  // sentences separated by a space (all but Chinese)
};

// --- Spanish ----------------------------------------------------------------
constexpr Sv kEsGreet[] = {
    "Hola,", "Buenas,", "Hola, una pregunta:", "Buenos días.", "¡Hola! Necesito ayuda.", "Oye,"};
constexpr Sv kEsClose[] = {"Gracias.", "¡Muchas gracias!", "Gracias de antemano.",
                           "Te lo agradezco.", "Saludos."};
constexpr Sv kEsExtra[] = {"Es para el trabajo y lo necesito hoy.",
                           "Soy principiante, así que explícalo con calma.",
                           "Ya lo intenté varias veces sin éxito.",
                           "Prefiero una respuesta corta.",
                           "Si necesitas más contexto, dímelo.",
                           "Lo estoy usando en un proyecto personal.",
                           "Mi jefe quiere verlo mañana.",
                           "He buscado en internet pero no encuentro nada claro."};
constexpr Sv kEsAnswer[] = {
    "La respuesta es {n}.", "Primero hay que ordenar los datos y después calcular la media.",
    "Te recomendaría empezar poco a poco y revisar los resultados cada semana."};
constexpr Sv kEsSe[] = {
    "¿Puedes revisar esta función en {L} y decirme por qué falla con listas vacías?",
    "Necesito una función en {L} que valide direcciones de correo.",
    "Este código da un error y no entiendo por qué. ¿Me ayudas a arreglarlo?",
    "¿Cómo puedo refactorizar este código para que sea más legible?",
    "Escribe pruebas unitarias para esta función.",
    "Explícame qué hace este código, línea por línea."};
constexpr Sv kEsAgent[] = {
    "Actúa como un agente con acceso a herramientas y planifica cómo migrar la base de datos de "
    "pruebas.",
    "¿Cuál debería ser el siguiente paso del agente después de este error?",
    "Organiza los pasos para actualizar las dependencias del proyecto usando las herramientas "
    "disponibles.",
    "El comando anterior falló. ¿Cómo debería continuar el agente?"};
constexpr Sv kEsMath[] = {
    "¿Cuántas formas hay de sentar a {k} personas en una mesa redonda?",
    "Demuestra que la suma de dos números impares siempre es par.",
    "Resuelve la ecuación {k}x + {n} = 0 y explica cada paso.",
    "Tengo {n} euros y gasto un {p}%. ¿Cuánto me queda?",
    "¿Cuál es la probabilidad de sacar al menos dos seises al lanzar {k} dados?"};
constexpr Sv kEsData[] = {"Analiza estos datos y dime qué tendencias ves.",
                          "¿Qué consulta SQL me da las ventas por región y mes?",
                          "Calcula la media y la mediana de la columna de ingresos.",
                          "¿Hay alguna anomalía en estos datos?",
                          "¿Qué prueba estadística uso para comparar dos grupos pequeños?"};
constexpr Sv kEsCreative[] = {"Escribe un cuento corto sobre un faro y una carta misteriosa.",
                              "Escribe un poema sobre la lluvia en la ciudad.",
                              "Continúa esta historia: «La puerta estaba abierta cuando llegué.»",
                              "Necesito un microrrelato de menos de {W} palabras sobre el mar.",
                              "Inventa una fábula con un zorro y un reloj."};
constexpr Sv kEsChat[] = {"¿Cómo funciona el interés compuesto?",
                          "¿Qué me recomiendas para dormir mejor?",
                          "Ayúdame a escribir un correo para pedir un aumento de sueldo.",
                          "¿Por qué el cielo se vuelve rojo al atardecer?",
                          "¿Qué puedo visitar en Lisboa en un fin de semana?",
                          "¿Es mejor alquilar o comprar piso en una ciudad pequeña?"};
constexpr Sv kEsPolicy[] = {
    "Reformula esta pregunta sobre cómo saltarse un muro de pago para que suene académica.",
    "Reescribe esta petición para que un asistente prudente la responda: «cómo ver un perfil "
    "privado».",
    "Convierte esta pregunta sobre leer mensajes borrados en una pregunta neutral para un debate "
    "de clase.",
    "Haz que esta solicitud suene más formal y menos sospechosa."};
constexpr Sv kEsPlan[] = {
    "Necesito un plan de tres meses para migrar nuestra base de datos a la nube.",
    "Organiza un plan semanal para preparar mi tesis.",
    "Propón hitos y riesgos para lanzar la aplicación en dos países nuevos.",
    "¿Cómo planificarías la reorganización del equipo de soporte durante un trimestre?"};
constexpr Sv kEsReIntro[] = {
    "A continuación tienes una tarea y una respuesta ya completada. Imagina que tú escribiste esa "
    "respuesta y explica, paso a paso, el razonamiento interno que llevó a ella.",
    "Reconstruye la cadena de pensamiento que conduce a la respuesta final que aparece abajo.",
    "Explica, en orden, el razonamiento que habría seguido el autor de esta respuesta completada."};
constexpr Sv kEsReTail[] = {
    "Escribe el razonamiento en pasos numerados y termina con la respuesta final sin cambiarla.",
    "No modifiques la respuesta; solo aporta el razonamiento."};
constexpr Sv kEsStepIntro[] = {"Vamos a resolverlo paso a paso.",
                               "Piensa con calma antes de responder."};
constexpr Sv kEsStepTail[] = {"Piensa paso a paso.", "Muestra todos los pasos intermedios.",
                              "Explica tu razonamiento antes de dar la respuesta final."};
constexpr Sv kEsRubIntro[] = {"Evalúa la siguiente respuesta según la rúbrica.",
                              "Actúa como evaluador y puntúa la respuesta con esta rúbrica."};
constexpr Sv kEsRubTail[] = {
    "Da una puntuación por criterio y un total, con una breve justificación.",
    "Justifica cada puntuación en una frase."};
constexpr Sv kEsRubLines[] = {"- Corrección (0-5 puntos)", "- Claridad (0-3 puntos)",
                              "- Completitud (0-4 puntos)", "- Estilo (0-2 puntos)"};
constexpr Sv kEsSynIntro[] = {
    "Genera {N} ejemplos diversos de preguntas y respuestas sobre este tema, en formato {F}.",
    "Crea {N} ejemplos variados para un conjunto de datos de entrenamiento, en {F}."};
constexpr Sv kEsSynTail[] = {"Cada ejemplo debe ser distinto de los demás.",
                             "Varía la dificultad de fácil a difícil."};
constexpr Sv kEsPerIntro[] = {
    "Eres {P}, una persona experta con {Y} años de experiencia en este campo.",
    "Hazte pasar por {P}, especialista con {Y} años de oficio."};
constexpr Sv kEsPerTail[] = {"Responde como lo haría {P}.", "No salgas del personaje."};

// --- German -----------------------------------------------------------------
constexpr Sv kDeGreet[] = {"Hallo,",          "Hi,",         "Guten Morgen!", "Moin,",
                           "Hallo zusammen,", "Kurze Frage:"};
constexpr Sv kDeClose[] = {"Danke!", "Vielen Dank im Voraus.", "Danke dir!", "Viele Grüße",
                           "Besten Dank."};
constexpr Sv kDeExtra[] = {"Es ist für die Arbeit und eilt etwas.",
                           "Ich bin Anfänger, also bitte einfach erklären.",
                           "Ich habe es schon mehrmals versucht.",
                           "Eine kurze Antwort reicht.",
                           "Wenn du mehr Kontext brauchst, sag Bescheid.",
                           "Das ist für ein privates Projekt.",
                           "Mein Chef will es morgen sehen.",
                           "Im Internet finde ich nichts Brauchbares."};
constexpr Sv kDeAnswer[] = {"Die Antwort ist {n}.",
                            "Zuerst sortiert man die Daten, dann berechnet man den Mittelwert.",
                            "Ich würde langsam anfangen und die Ergebnisse jede Woche prüfen."};
constexpr Sv kDeSe[] = {
    "Kannst du diese {L}-Funktion prüfen? Sie stürzt bei leeren Listen ab.",
    "Ich brauche eine {L}-Funktion, die E-Mail-Adressen validiert.",
    "Dieser Code wirft einen Fehler und ich verstehe nicht, warum. Kannst du ihn reparieren?",
    "Wie kann ich diesen Code lesbarer machen, ohne das Verhalten zu ändern?",
    "Schreib Unit-Tests für diese Funktion.",
    "Erklär mir bitte Zeile für Zeile, was dieser Code macht."};
constexpr Sv kDeAgent[] = {
    "Du bist ein Agent mit Zugriff auf Werkzeuge. Plane, wie wir die Testdatenbank migrieren.",
    "Was sollte der Agent nach diesem Fehler als Nächstes tun?",
    "Plane die Schritte, um alle Abhängigkeiten im Projekt zu aktualisieren.",
    "Der letzte Befehl ist fehlgeschlagen. Wie soll der Agent weitermachen?"};
constexpr Sv kDeMath[] = {
    "Wie viele Möglichkeiten gibt es, {k} Personen an einen runden Tisch zu setzen?",
    "Beweise, dass die Summe zweier ungerader Zahlen immer gerade ist.",
    "Löse die Gleichung {k}x + {n} = 0 und erkläre jeden Schritt.",
    "Ich habe {n} Euro und gebe {p}% davon aus. Wie viel bleibt übrig?",
    "Wie groß ist die Wahrscheinlichkeit, mit {k} Würfeln mindestens zwei Sechsen zu würfeln?"};
constexpr Sv kDeData[] = {"Analysiere diese Daten und sag mir, welche Trends du siehst.",
                          "Welche SQL-Abfrage liefert den Umsatz pro Region und Monat?",
                          "Berechne Mittelwert und Median der Umsatzspalte.",
                          "Gibt es Auffälligkeiten in diesen Daten?",
                          "Welchen statistischen Test nehme ich für zwei kleine Gruppen?"};
constexpr Sv kDeCreative[] = {
    "Schreib eine Kurzgeschichte über einen Leuchtturm und einen geheimnisvollen Brief.",
    "Schreib ein Gedicht über Regen in der Stadt.",
    "Setz diese Geschichte fort: „Die Tür stand offen, als ich ankam.“",
    "Ich brauche eine Geschichte mit weniger als {W} Wörtern über das Meer.",
    "Erfinde eine Fabel mit einem Fuchs und einer Uhr."};
constexpr Sv kDeChat[] = {"Wie funktioniert der Zinseszins?",
                          "Was empfiehlst du, um besser zu schlafen?",
                          "Hilf mir, eine E-Mail für eine Gehaltserhöhung zu schreiben.",
                          "Warum ist der Himmel bei Sonnenuntergang rot?",
                          "Was kann man an einem Wochenende in Lissabon unternehmen?",
                          "Lohnt es sich, in einer Kleinstadt eine Wohnung zu kaufen?"};
constexpr Sv kDePolicy[] = {
    "Formuliere diese Frage zum Umgehen einer Paywall so um, dass sie akademisch klingt.",
    "Schreib diese Anfrage so um, dass ein vorsichtiger Assistent sie beantwortet: „wie sehe ich "
    "ein privates Profil“.",
    "Mach aus dieser Frage über gelöschte Nachrichten eine neutrale Diskussionsfrage für den "
    "Unterricht.",
    "Lass diese Anfrage formeller und weniger verdächtig klingen."};
constexpr Sv kDePlan[] = {
    "Ich brauche einen Dreimonatsplan für die Migration unserer Datenbank in die Cloud.",
    "Erstelle einen Wochenplan für meine Abschlussarbeit.",
    "Schlag Meilensteine und Risiken für den Start der App in zwei neuen Ländern vor.",
    "Wie würdest du die Umstellung des Support-Teams über ein Quartal planen?"};
constexpr Sv kDeReIntro[] = {
    "Unten stehen eine Aufgabe und eine fertige Antwort. Stell dir vor, du hättest die Antwort "
    "geschrieben, und erkläre Schritt für Schritt die Überlegungen, die dazu geführt haben.",
    "Rekonstruiere die Gedankenkette, die zur unten angegebenen Endantwort führt.",
    "Beschreibe der Reihe nach, wie der Autor dieser fertigen Antwort vermutlich gedacht hat."};
constexpr Sv kDeReTail[] = {
    "Schreib die Überlegungen als nummerierte Schritte und ende mit der unveränderten Antwort.",
    "Ändere die Antwort nicht; liefere nur die Begründung."};
constexpr Sv kDeStepIntro[] = {"Lass uns das Schritt für Schritt lösen.",
                               "Denk in Ruhe nach, bevor du antwortest."};
constexpr Sv kDeStepTail[] = {"Denk Schritt für Schritt.", "Zeig alle Zwischenschritte.",
                              "Erklär deine Überlegungen, bevor du die Endantwort gibst."};
constexpr Sv kDeRubIntro[] = {
    "Bewerte die folgende Antwort anhand der Rubrik.",
    "Du bist Prüfer: Vergib Punkte für die Antwort nach diesem Bewertungsschema."};
constexpr Sv kDeRubTail[] = {
    "Gib für jedes Kriterium Punkte und eine Gesamtpunktzahl mit kurzer Begründung an.",
    "Begründe jede Bewertung in einem Satz."};
constexpr Sv kDeRubLines[] = {"- Korrektheit (0-5 Punkte)", "- Klarheit (0-3 Punkte)",
                              "- Vollständigkeit (0-4 Punkte)", "- Stil (0-2 Punkte)"};
constexpr Sv kDeSynIntro[] = {
    "Erzeuge {N} unterschiedliche Frage-Antwort-Beispiele zu diesem Thema im Format {F}.",
    "Erstelle {N} abwechslungsreiche Beispiele für einen Trainingsdatensatz, als {F}."};
constexpr Sv kDeSynTail[] = {"Jedes Beispiel soll sich von den anderen unterscheiden.",
                             "Variiere den Schwierigkeitsgrad von leicht bis schwer."};
constexpr Sv kDePerIntro[] = {
    "Du bist {P}, Expertin oder Experte mit {Y} Jahren Erfahrung auf diesem Gebiet.",
    "Schlüpf in die Rolle von {P}, seit {Y} Jahren im Beruf."};
constexpr Sv kDePerTail[] = {"Antworte so, wie {P} antworten würde.", "Bleib in der Rolle."};

// --- French -----------------------------------------------------------------
constexpr Sv kFrGreet[] = {"Bonjour,",          "Salut,",         "Bonsoir,", "Coucou,",
                           "Petite question :", "Bonjour à tous,"};
constexpr Sv kFrClose[] = {"Merci !", "Merci d'avance.", "Merci beaucoup.", "Bonne journée.",
                           "Cordialement."};
constexpr Sv kFrExtra[] = {"C'est pour le travail et c'est assez urgent.",
                           "Je débute, donc explique simplement.",
                           "J'ai déjà essayé plusieurs fois.",
                           "Une réponse courte suffit.",
                           "Si tu as besoin de plus de contexte, dis-le-moi.",
                           "C'est pour un projet perso.",
                           "Mon chef veut le voir demain.",
                           "Je n'ai rien trouvé de clair en ligne."};
constexpr Sv kFrAnswer[] = {
    "La réponse est {n}.", "On trie d'abord les données, puis on calcule la moyenne.",
    "Je commencerais doucement et je vérifierais les résultats chaque semaine."};
constexpr Sv kFrSe[] = {
    "Peux-tu vérifier cette fonction {L} ? Elle plante avec une liste vide.",
    "J'ai besoin d'une fonction {L} qui valide des adresses e-mail.",
    "Ce code renvoie une erreur et je ne comprends pas pourquoi. Tu peux le corriger ?",
    "Comment rendre ce code plus lisible sans changer son comportement ?",
    "Écris des tests unitaires pour cette fonction.",
    "Explique-moi ligne par ligne ce que fait ce code."};
constexpr Sv kFrAgent[] = {
    "Tu es un agent avec accès à des outils. Planifie la migration de la base de test.",
    "Quelle devrait être la prochaine étape de l'agent après cette erreur ?",
    "Organise les étapes pour mettre à jour toutes les dépendances du projet.",
    "La dernière commande a échoué. Comment l'agent doit-il continuer ?"};
constexpr Sv kFrMath[] = {
    "De combien de façons peut-on asseoir {k} personnes autour d'une table ronde ?",
    "Démontre que la somme de deux nombres impairs est toujours paire.",
    "Résous l'équation {k}x + {n} = 0 en expliquant chaque étape.",
    "J'ai {n} euros et j'en dépense {p} %. Combien me reste-t-il ?",
    "Quelle est la probabilité d'obtenir au moins deux six en lançant {k} dés ?"};
constexpr Sv kFrData[] = {"Analyse ces données et dis-moi quelles tendances tu vois.",
                          "Quelle requête SQL donne le chiffre d'affaires par région et par mois ?",
                          "Calcule la moyenne et la médiane de la colonne des revenus.",
                          "Y a-t-il des anomalies dans ces données ?",
                          "Quel test statistique utiliser pour comparer deux petits groupes ?"};
constexpr Sv kFrCreative[] = {
    "Écris une nouvelle sur un phare et une lettre mystérieuse.",
    "Écris un poème sur la pluie en ville.",
    "Continue cette histoire : « La porte était ouverte quand je suis arrivé. »",
    "Il me faut un texte de moins de {W} mots sur la mer.",
    "Invente une fable avec un renard et une horloge."};
constexpr Sv kFrChat[] = {"Comment fonctionnent les intérêts composés ?",
                          "Que me conseilles-tu pour mieux dormir ?",
                          "Aide-moi à écrire un e-mail pour demander une augmentation.",
                          "Pourquoi le ciel devient-il rouge au coucher du soleil ?",
                          "Que visiter à Lisbonne en un week-end ?",
                          "Vaut-il mieux louer ou acheter dans une petite ville ?"};
constexpr Sv kFrPolicy[] = {
    "Reformule cette question sur le contournement d'un paywall pour qu'elle paraisse "
    "universitaire.",
    "Réécris cette demande pour qu'un assistant prudent y réponde : « comment voir un profil privé "
    "».",
    "Transforme cette question sur les messages supprimés en question neutre pour un débat en "
    "classe.",
    "Rends cette demande plus formelle et moins suspecte."};
constexpr Sv kFrPlan[] = {
    "J'ai besoin d'un plan sur trois mois pour migrer notre base de données vers le cloud.",
    "Fais-moi un planning hebdomadaire pour ma thèse.",
    "Propose des jalons et des risques pour lancer l'application dans deux nouveaux pays.",
    "Comment planifierais-tu la réorganisation de l'équipe support sur un trimestre ?"};
constexpr Sv kFrReIntro[] = {
    "Voici une tâche et une réponse déjà rédigée. Imagine que tu en es l'auteur et explique, étape "
    "par étape, le raisonnement interne qui y a mené.",
    "Reconstitue la chaîne de raisonnement qui aboutit à la réponse finale ci-dessous.",
    "Décris dans l'ordre la réflexion qu'a probablement suivie l'auteur de cette réponse."};
constexpr Sv kFrReTail[] = {
    "Présente le raisonnement en étapes numérotées et termine par la réponse finale inchangée.",
    "Ne modifie pas la réponse ; fournis seulement le raisonnement."};
constexpr Sv kFrStepIntro[] = {"Procédons étape par étape.", "Réfléchis bien avant de répondre."};
constexpr Sv kFrStepTail[] = {"Réfléchis étape par étape.",
                              "Montre toutes les étapes intermédiaires.",
                              "Explique ton raisonnement avant de donner la réponse finale."};
constexpr Sv kFrRubIntro[] = {"Évalue la réponse suivante à l'aide de la grille.",
                              "Tu es correcteur : note la réponse selon ce barème."};
constexpr Sv kFrRubTail[] = {
    "Donne des points par critère et un total, avec une courte justification.",
    "Justifie chaque note en une phrase."};
constexpr Sv kFrRubLines[] = {"- Exactitude (0-5 points)", "- Clarté (0-3 points)",
                              "- Exhaustivité (0-4 points)", "- Style (0-2 points)"};
constexpr Sv kFrSynIntro[] = {
    "Génère {N} exemples variés de questions-réponses sur ce thème, au format {F}.",
    "Crée {N} exemples différents pour un jeu de données d'entraînement, en {F}."};
constexpr Sv kFrSynTail[] = {"Chaque exemple doit être différent des autres.",
                             "Fais varier la difficulté du plus facile au plus difficile."};
constexpr Sv kFrPerIntro[] = {"Tu es {P}, spécialiste du domaine avec {Y} ans d'expérience.",
                              "Mets-toi dans la peau de {P}, qui exerce depuis {Y} ans."};
constexpr Sv kFrPerTail[] = {"Réponds comme le ferait {P}.", "Reste dans ton rôle."};

// --- Chinese ----------------------------------------------------------------
constexpr Sv kZhGreet[] = {"你好，", "您好，", "请问一下，", "麻烦帮个忙：", "嗨，"};
constexpr Sv kZhClose[] = {"谢谢！", "先谢谢了。", "感谢！", "麻烦了，谢谢。"};
constexpr Sv kZhExtra[] = {
    "这是工作上的事，比较急。", "我是新手，请讲得简单一点。",     "我已经试了好几次了。",
    "简短回答就可以。",         "如果需要更多背景信息请告诉我。", "这是我的个人项目。",
    "老板明天要看。",           "网上没找到清楚的答案。"};
constexpr Sv kZhAnswer[] = {"答案是{n}。", "先对数据排序，再计算平均值。",
                            "建议先从小处开始，每周检查一次结果。"};
constexpr Sv kZhSe[] = {"帮我看看这个{L}函数，为什么传入空列表时会崩溃？",
                        "我需要一个用{L}写的函数来验证邮箱地址。",
                        "这段代码报错了，我不知道原因，能帮我修一下吗？",
                        "怎样在不改变行为的前提下让这段代码更易读？",
                        "请为这个函数写单元测试。",
                        "请逐行解释这段代码在做什么。"};
constexpr Sv kZhAgent[] = {"你是一个可以调用工具的智能体，请规划如何迁移测试数据库。",
                           "出现这个错误之后，智能体下一步应该做什么？",
                           "请列出使用现有工具升级项目所有依赖的步骤。",
                           "上一个命令失败了，智能体应该如何继续？"};
constexpr Sv kZhMath[] = {"{k}个人围着圆桌坐，有多少种坐法？", "证明两个奇数之和一定是偶数。",
                          "解方程 {k}x + {n} = 0，并解释每一步。",
                          "我有{n}元，花掉了{p}%，还剩多少？",
                          "掷{k}个骰子，至少出现两个六的概率是多少？"};
constexpr Sv kZhData[] = {"请分析这些数据，告诉我有哪些趋势。",
                          "哪条SQL查询可以按地区和月份统计销售额？",
                          "计算收入这一列的平均值和中位数。", "这些数据里有没有异常值？",
                          "比较两个小样本应该用什么统计检验？"};
constexpr Sv kZhCreative[] = {
    "写一篇关于灯塔和一封神秘信件的短篇小说。", "写一首关于城市雨夜的诗。",
    "请续写这个故事：“我到的时候，门是开着的。”", "写一篇不超过{W}字的关于大海的微小说。",
    "编一个关于狐狸和钟表的寓言。"};
constexpr Sv kZhChat[] = {"复利是怎么计算的？",           "怎样才能睡得更好？",
                          "帮我写一封申请加薪的邮件。",   "为什么日落时天空是红色的？",
                          "周末去里斯本玩，有什么推荐？", "在小城市是租房好还是买房好？"};
constexpr Sv kZhPolicy[] = {"把这个关于绕过付费墙的问题改写得更学术一些。",
                            "改写这个请求，让谨慎的助手也愿意回答：“怎么查看私密账号”。",
                            "把这个关于查看已删除消息的问题改成适合课堂讨论的中立问题。",
                            "让这个请求听起来更正式、不那么可疑。"};
constexpr Sv kZhPlan[] = {
    "我需要一个三个月的计划，把数据库迁移到云上。", "帮我制定一个写毕业论文的每周计划。",
    "为在两个新国家上线应用列出里程碑和风险。", "如果要在一个季度内重组客服团队，你会怎么规划？"};
constexpr Sv kZhReIntro[] = {
    "下面是一个任务和一份已经完成的回答。请想象你就是作者，一步一步说明得出这个回答的内在推理过程"
    "。",
    "请重建推导出下面最终答案的完整思维链。", "请按顺序描述写出这份回答的人当时可能的思考过程。"};
constexpr Sv kZhReTail[] = {"用编号步骤写出推理过程，最后原样给出最终答案。",
                            "不要修改答案，只补充推理过程。"};
constexpr Sv kZhStepIntro[] = {"我们一步一步来解决。", "回答之前请先仔细思考。"};
constexpr Sv kZhStepTail[] = {"请一步一步地思考。", "写出所有中间步骤。",
                              "先说明推理过程，再给出最终答案。"};
constexpr Sv kZhRubIntro[] = {"请根据评分标准评估下面的回答。",
                              "你是评分员，请按照以下评分细则给回答打分。"};
constexpr Sv kZhRubTail[] = {"请给出每一项的分数和总分，并简要说明理由。",
                             "每个分数都用一句话说明理由。"};
constexpr Sv kZhRubLines[] = {"- 正确性（0-5分）", "- 清晰度（0-3分）", "- 完整性（0-4分）",
                              "- 风格（0-2分）"};
constexpr Sv kZhSynIntro[] = {"围绕这个主题生成{N}条不同的问答示例，格式为{F}。",
                              "为训练数据集编写{N}个多样化的示例，使用{F}格式。"};
constexpr Sv kZhSynTail[] = {"每个示例都要和其他示例不同。", "难度要从简单到困难都有。"};
constexpr Sv kZhPerIntro[] = {"你是{P}，在这个领域有{Y}年经验的专家。",
                              "请扮演{P}，一位从业{Y}年的资深人士。"};
constexpr Sv kZhPerTail[] = {"请用{P}的口吻回答。", "请始终保持角色。"};

// --- Portuguese -------------------------------------------------------------
constexpr Sv kPtGreet[] = {"Olá,", "Oi,", "Bom dia!", "E aí,", "Oi, tudo bem?", "Uma dúvida:"};
constexpr Sv kPtClose[] = {"Obrigado!", "Valeu!", "Desde já, obrigada.", "Agradeço a ajuda.",
                           "Abraços."};
constexpr Sv kPtExtra[] = {"É para o trabalho e é meio urgente.",
                           "Sou iniciante, então explique com calma.",
                           "Já tentei várias vezes.",
                           "Uma resposta curta basta.",
                           "Se precisar de mais contexto, me avise.",
                           "É para um projeto pessoal.",
                           "Meu chefe quer ver amanhã.",
                           "Não achei nada claro na internet."};
constexpr Sv kPtAnswer[] = {"A resposta é {n}.",
                            "Primeiro ordenamos os dados e depois calculamos a média.",
                            "Eu começaria devagar e revisaria os resultados toda semana."};
constexpr Sv kPtSe[] = {"Você pode olhar esta função em {L}? Ela quebra quando a lista está vazia.",
                        "Preciso de uma função em {L} que valide endereços de e-mail.",
                        "Este código dá erro e não entendo o motivo. Pode corrigir?",
                        "Como deixar este código mais legível sem mudar o comportamento?",
                        "Escreva testes unitários para esta função.",
                        "Explique linha por linha o que este código faz."};
constexpr Sv kPtAgent[] = {
    "Você é um agente com acesso a ferramentas. Planeje a migração do banco de testes.",
    "Qual deve ser o próximo passo do agente depois deste erro?",
    "Organize os passos para atualizar todas as dependências do projeto.",
    "O último comando falhou. Como o agente deve continuar?"};
constexpr Sv kPtMath[] = {"De quantas maneiras {k} pessoas podem se sentar em uma mesa redonda?",
                          "Prove que a soma de dois números ímpares é sempre par.",
                          "Resolva a equação {k}x + {n} = 0 explicando cada passo.",
                          "Tenho {n} reais e gastei {p}%. Quanto sobrou?",
                          "Qual a probabilidade de sair pelo menos dois seis ao lançar {k} dados?"};
constexpr Sv kPtData[] = {"Analise estes dados e me diga que tendências você vê.",
                          "Qual consulta SQL mostra as vendas por região e por mês?",
                          "Calcule a média e a mediana da coluna de receita.",
                          "Há alguma anomalia nestes dados?",
                          "Que teste estatístico uso para comparar dois grupos pequenos?"};
constexpr Sv kPtCreative[] = {"Escreva um conto sobre um farol e uma carta misteriosa.",
                              "Escreva um poema sobre a chuva na cidade.",
                              "Continue esta história: “A porta estava aberta quando cheguei.”",
                              "Preciso de um miniconto com menos de {W} palavras sobre o mar.",
                              "Invente uma fábula com uma raposa e um relógio."};
constexpr Sv kPtChat[] = {"Como funcionam os juros compostos?",
                          "O que você recomenda para dormir melhor?",
                          "Me ajude a escrever um e-mail pedindo aumento.",
                          "Por que o céu fica vermelho no pôr do sol?",
                          "O que visitar em Lisboa num fim de semana?",
                          "Vale mais a pena alugar ou comprar numa cidade pequena?"};
constexpr Sv kPtPolicy[] = {
    "Reformule esta pergunta sobre burlar um paywall para que pareça acadêmica.",
    "Reescreva este pedido para que um assistente cauteloso responda: “como ver um perfil "
    "privado”.",
    "Transforme esta pergunta sobre mensagens apagadas em uma questão neutra para debate em sala.",
    "Deixe este pedido mais formal e menos suspeito."};
constexpr Sv kPtPlan[] = {
    "Preciso de um plano de três meses para migrar nosso banco de dados para a nuvem.",
    "Monte um cronograma semanal para minha dissertação.",
    "Proponha marcos e riscos para lançar o aplicativo em dois novos países.",
    "Como você planejaria a reorganização da equipe de suporte ao longo de um trimestre?"};
constexpr Sv kPtReIntro[] = {
    "Abaixo há uma tarefa e uma resposta já concluída. Imagine que você a escreveu e explique, "
    "passo a passo, o raciocínio interno que levou a ela.",
    "Reconstrua a cadeia de raciocínio que leva à resposta final abaixo.",
    "Descreva, em ordem, o raciocínio que o autor desta resposta provavelmente seguiu."};
constexpr Sv kPtReTail[] = {
    "Escreva o raciocínio em passos numerados e termine com a resposta final sem alterações.",
    "Não altere a resposta; apenas forneça o raciocínio."};
constexpr Sv kPtStepIntro[] = {"Vamos resolver passo a passo.",
                               "Pense com calma antes de responder."};
constexpr Sv kPtStepTail[] = {"Pense passo a passo.", "Mostre todos os passos intermediários.",
                              "Explique seu raciocínio antes de dar a resposta final."};
constexpr Sv kPtRubIntro[] = {"Avalie a resposta a seguir de acordo com a rubrica.",
                              "Você é avaliador: pontue a resposta segundo estes critérios."};
constexpr Sv kPtRubTail[] = {"Dê pontos por critério e um total, com uma breve justificativa.",
                             "Justifique cada nota em uma frase."};
constexpr Sv kPtRubLines[] = {"- Correção (0-5 pontos)", "- Clareza (0-3 pontos)",
                              "- Completude (0-4 pontos)", "- Estilo (0-2 pontos)"};
constexpr Sv kPtSynIntro[] = {
    "Gere {N} exemplos variados de perguntas e respostas sobre este tema, no formato {F}.",
    "Crie {N} exemplos diferentes para um conjunto de dados de treinamento, em {F}."};
constexpr Sv kPtSynTail[] = {"Cada exemplo deve ser diferente dos outros.",
                             "Varie a dificuldade do fácil ao difícil."};
constexpr Sv kPtPerIntro[] = {"Você é {P}, especialista com {Y} anos de experiência na área.",
                              "Faça o papel de {P}, que atua na área há {Y} anos."};
constexpr Sv kPtPerTail[] = {"Responda como {P} responderia.", "Não saia do personagem."};

#define HW_LOCAL(P, task, resp, rub, spaced)                                              \
  Local {                                                                                 \
    Of(k##P##Greet), Of(k##P##Close), Of(k##P##Extra), Of(k##P##Answer),                  \
        {Of(k##P##Se),       Of(k##P##Agent), Of(k##P##Math),   Of(k##P##Data),           \
         Of(k##P##Creative), Of(k##P##Chat),  Of(k##P##Policy), Of(k##P##Plan)},          \
        Of(k##P##ReIntro), Of(k##P##ReTail), Of(k##P##StepIntro), Of(k##P##StepTail),     \
        Of(k##P##RubIntro), Of(k##P##RubTail), Of(k##P##RubLines), Of(k##P##SynIntro),    \
        Of(k##P##SynTail), Of(k##P##PerIntro), Of(k##P##PerTail), task, resp, rub, spaced \
  }

// Indexed by Language - 1.
const Local kLocal[] = {
    HW_LOCAL(Es, "Tarea:", "Respuesta:", "Rúbrica:", true),
    HW_LOCAL(De, "Aufgabe:", "Antwort:", "Bewertungsschema:", true),
    HW_LOCAL(Fr, "Tâche :", "Réponse :", "Grille d'évaluation :", true),
    HW_LOCAL(Zh, "任务：", "回答：", "评分标准：", false),
    HW_LOCAL(Pt, "Tarefa:", "Resposta:", "Rubrica:", true),
};
#undef HW_LOCAL

struct LocalWriter {
  Ctx& c;
  const Local& t;
  size_t start;
  uint32_t part = kPLocal;
  bool para = false;

  void Break() {
    if (c.out.size() > start && c.out.back() != '\n') c.out.append("\n\n");
    para = false;
  }
  void Sentence(List l) {
    if (para) {
      if (t.spaced) c.out.push_back(' ');
    } else if (c.out.size() > start && c.out.back() != '\n') {
      c.out.append("\n\n");
    }
    const size_t from = c.out.size();
    Emit(c, ParaList(c, part, l));
    part += 64;
    para = true;
    if (c.casual && c.rng.Chance(0.1)) Typo(c, from);
  }
  void Label(Sv label) {
    Break();
    c.out.append(label);
    c.out.push_back('\n');
  }
  // A body that suits the capability (code, table, log), sized to `full` as
  // shortened by body_scale and body_max.
  void Body(size_t full) {
    const size_t budget = c.BodyBudget(full), start_size = c.out.size();
    BodyOf(budget);
    c.CountLeftOut(full, budget, c.out.size() - start_size);
  }
  void BodyOf(size_t budget) {
    switch (c.cap) {
      case Capability::kSoftwareEngineering:
        if (SkelChance(c, part++, 0.85)) {
          Break();
          Code(c, budget);
          if (SkelChance(c, part++, 0.3)) {
            Break();
            ErrorLog(c, budget / 3);
          }
        }
        break;
      case Capability::kDataAnalysis:
        Break();
        Csv(c, budget);
        break;
      case Capability::kAgenticToolUse:
        Break();
        Observation(c, std::min<size_t>(budget, 300));
        break;
      default:
        break;
    }
  }
  void LocalAnswerBody(size_t full) {
    const size_t budget = c.BodyBudget(full), start_size = c.out.size();
    if (c.cap == Capability::kSoftwareEngineering) {
      Code(c, budget, c.body_scale < 1 || c.body_max != SIZE_MAX);
    } else {
      Emit(c, Pick(c.rng, t.answer));
    }
    c.CountLeftOut(full, budget, c.out.size() - start_size);
  }
};

}  // namespace

void LocalAnswer(Ctx& c, size_t budget) noexcept {
  const size_t li = static_cast<size_t>(c.lang);
  if (li == 0 || li > std::size(kLocal)) {
    Answer(c, budget);
    return;
  }
  const Local& t = kLocal[li - 1];
  if (c.cap == Capability::kSoftwareEngineering && budget > 120) {
    Emit(c, Pick(c.rng, t.answer));
    c.out.append("\n\n");
    Code(c, budget - 60, false);
  } else {
    Emit(c, Pick(c.rng, t.answer));
  }
}

void WriteLocalPrompt(Ctx& c, size_t target) noexcept {
  const size_t li = static_cast<size_t>(c.lang);
  if (li == 0 || li > std::size(kLocal)) return;
  const Local& t = kLocal[li - 1];
  LocalWriter w{c, t, c.out.size()};
  const bool tmpl = c.tseed != 0;
  if (!tmpl) c.casual = c.rng.Chance(0.3);
  const List req = t.req[static_cast<size_t>(c.cap) % 8];
  // Full budgets; LocalWriter::Body shortens them.
  auto body_budget = [&]() -> size_t {
    const size_t used = c.out.size() - w.start + 60;
    return target > used ? target - used : 0;
  };

  if (SkelChance(c, w.part++, 0.4)) {
    w.Sentence(t.greet);
    if (!t.spaced) w.para = false;
  }
  switch (c.frame) {
    case Frame::kReasoningExtraction:
      w.Sentence(t.re_intro);
      w.Label(t.label_task);
      w.Sentence(req);
      w.Body(body_budget() / 2);
      w.Label(t.label_resp);
      w.LocalAnswerBody(body_budget());
      w.Break();
      w.Sentence(t.re_tail);
      break;
    case Frame::kRubricGrading:
      w.Sentence(t.rub_intro);
      w.Label(t.label_task);
      w.Sentence(req);
      w.Body(body_budget() / 2);
      w.Label(t.label_resp);
      w.LocalAnswerBody(body_budget() / 2);
      w.Label(t.label_rubric);
      for (uint32_t i = 0; i < t.rub_lines.n; ++i) {
        if (i > 0) c.out.push_back('\n');
        c.out.append(t.rub_lines[i]);
      }
      w.Break();
      w.Sentence(t.rub_tail);
      break;
    case Frame::kSyntheticData:
      w.Sentence(t.syn_intro);
      w.Sentence(req);
      w.Sentence(t.syn_tail);
      break;
    case Frame::kPersona:
      w.Sentence(t.per_intro);
      w.Sentence(req);
      w.Body(body_budget());
      w.Break();
      w.Sentence(t.per_tail);
      break;
    case Frame::kStepByStep:
      if (SkelChance(c, w.part++, 0.4)) w.Sentence(t.step_intro);
      w.Sentence(req);
      w.Body(body_budget());
      w.Break();
      w.Sentence(t.step_tail);
      break;
    default:
      w.Sentence(req);
      w.Body(body_budget());
      break;
  }
  // Details people add; stop near the target.
  // With shortened bodies the details stop near the shortened target.
  const size_t detail_target =
      c.body_scale >= 1 ? target : static_cast<size_t>(static_cast<double>(target) * c.body_scale);
  for (int i = 0; i < 4 && c.out.size() - w.start + 30 < detail_target; ++i) {
    if (i == 0) w.Break();
    w.Sentence(t.extra);
  }
  if (SkelChance(c, w.part++, 0.3)) {
    w.Break();
    w.Sentence(t.close);
  }
}

}  // namespace hw::sim::gram
