package demo

import (
	"time"

	c "github.com/consult-platform/consult/consultations"
)

func streetsDraft(orgID string, now time.Time) c.Draft {
	return c.Draft{
		OrgID: orgID, Slug: "safer-streets-20mph", Kind: c.KindPolicy, DefaultLocale: "en",
		Title: c.LocalText{
			"en": "Safer streets: a 20 mph default limit in towns",
			"fr": "Des rues plus sûres : 20 mph par défaut en ville",
			"es": "Calles más seguras: 20 mph por defecto en las ciudades",
			"ar": "شوارع أكثر أماناً: حد سرعة افتراضي 20 ميلاً في الساعة داخل المدن",
		},
		Summary: c.LocalText{
			"en": "We propose lowering the default speed limit on residential streets from 30 mph to 20 mph. Tell us what you think before we decide.",
			"fr": "Nous proposons d'abaisser la limite par défaut dans les rues résidentielles de 30 à 20 mph. Donnez-nous votre avis avant notre décision.",
			"es": "Proponemos bajar el límite por defecto en calles residenciales de 30 a 20 mph. Díganos qué opina antes de que decidamos.",
			"ar": "نقترح خفض حد السرعة الافتراضي في الشوارع السكنية من 30 إلى 20 ميلاً في الساعة. أخبرونا برأيكم قبل أن نقرر.",
		},
		Body: c.LocalText{
			"en": "Every year, people are killed or seriously injured on residential streets. Lower speeds give drivers more time to stop.\n\nThis consultation asks whether 20 mph should become the default, and where exceptions should apply.",
		},
		OpensAt: day(now, -7), ClosesAt: day(now, 42),
		AllowAnonymous: true, Premoderation: false,
		Sections: []c.SectionDraft{
			{Heading: c.LocalText{"en": "What we propose", "fr": "Ce que nous proposons"},
				Body: c.LocalText{"en": "Streets with houses, schools or shops would have a 20 mph limit unless the council sets a higher one.\n\nMain roads between towns keep their current limits.", "fr": "Les rues bordées de maisons, d'écoles ou de commerces seraient limitées à 20 mph, sauf décision contraire de la commune."}},
			{Heading: c.LocalText{"en": "What the evidence says"},
				Body: c.LocalText{"en": "Pilot areas saw 25% fewer casualties in the first year. Journey times by bus rose by less than a minute on average.\n\nThe full evaluation report is linked below."}},
			{Heading: c.LocalText{"en": "How we will use your views"},
				Body: c.LocalText{"en": "We will read every response. We will publish a summary of what you told us and what we decided, linked to your comments."}},
		},
		Documents: []c.DocumentDraft{
			{Title: c.LocalText{"en": "Evaluation of the 20 mph pilot (PDF, 1.2 MB)"}, URL: "https://www.example.gov/20mph-evaluation.pdf", MediaType: "application/pdf", SizeBytes: 1200000},
			{Title: c.LocalText{"en": "Easy read version (PDF, 300 KB)"}, URL: "https://www.example.gov/20mph-easy-read.pdf", MediaType: "application/pdf", SizeBytes: 300000},
		},
		Questions: []c.QuestionDraft{
			{Kind: c.QuestionSingle, Required: true,
				Prompt: c.LocalText{"en": "Do you agree that 20 mph should be the default limit in towns?", "fr": "Êtes-vous d'accord pour que 20 mph soit la limite par défaut en ville ?", "es": "¿Está de acuerdo con que 20 mph sea el límite por defecto en las ciudades?", "ar": "هل توافق على أن يكون 20 ميلاً في الساعة هو الحد الافتراضي داخل المدن؟"},
				Options: []c.LocalText{
					{"en": "Agree", "fr": "D'accord", "es": "De acuerdo", "ar": "أوافق"},
					{"en": "Disagree", "fr": "Pas d'accord", "es": "En desacuerdo", "ar": "لا أوافق"},
					{"en": "Not sure", "fr": "Je ne sais pas", "es": "No estoy seguro", "ar": "لست متأكداً"},
				}},
			{Kind: c.QuestionScale, Required: true,
				Prompt: c.LocalText{"en": "How safe do you feel walking or cycling on your street today?", "fr": "À quel point vous sentez-vous en sécurité à pied ou à vélo dans votre rue ?", "es": "¿Qué tan seguro se siente caminando o en bicicleta por su calle hoy?", "ar": "ما مدى شعورك بالأمان عند المشي أو ركوب الدراجة في شارعك اليوم؟"},
				Hint:   c.LocalText{"en": "1 means very unsafe, 5 means very safe.", "fr": "1 signifie très dangereux, 5 très sûr.", "es": "1 significa muy inseguro, 5 muy seguro.", "ar": "1 تعني غير آمن إطلاقاً، و5 تعني آمن جداً."}},
			{Kind: c.QuestionMultiple,
				Prompt: c.LocalText{"en": "Where should exceptions (higher limits) apply?", "fr": "Où des exceptions (limites plus élevées) devraient-elles s'appliquer ?", "es": "¿Dónde deberían aplicarse excepciones (límites más altos)?", "ar": "أين ينبغي تطبيق استثناءات (حدود أعلى)؟"},
				Hint:   c.LocalText{"en": "Select all that apply.", "fr": "Sélectionnez toutes les réponses qui conviennent.", "es": "Seleccione todas las que correspondan.", "ar": "اختر كل ما ينطبق."},
				Options: []c.LocalText{
					{"en": "Main roads through towns", "fr": "Grands axes traversant les villes", "es": "Vías principales que cruzan las ciudades", "ar": "الطرق الرئيسية عبر المدن"},
					{"en": "Industrial areas", "fr": "Zones industrielles", "es": "Zonas industriales", "ar": "المناطق الصناعية"},
					{"en": "Bus routes", "fr": "Lignes de bus", "es": "Rutas de autobús", "ar": "خطوط الحافلات"},
					{"en": "Nowhere", "fr": "Nulle part", "es": "En ningún sitio", "ar": "لا مكان"},
				}},
			{Kind: c.QuestionText, MaxLength: 1200,
				Prompt: c.LocalText{"en": "Is there anything else you would like to tell us?", "fr": "Souhaitez-vous nous dire autre chose ?", "es": "¿Hay algo más que quiera decirnos?", "ar": "هل هناك أي شيء آخر تود إخبارنا به؟"},
				Hint:   c.LocalText{"en": "Please do not include personal details such as your name or address.", "fr": "Merci de ne pas indiquer de données personnelles comme votre nom ou adresse.", "es": "No incluya datos personales como su nombre o dirección.", "ar": "يرجى عدم ذكر بيانات شخصية مثل اسمك أو عنوانك."}},
		},
	}
}

func busAppDraft(orgID string, now time.Time) c.Draft {
	return c.Draft{
		OrgID: orgID, Slug: "bus-travel-information", Kind: c.KindCodesign, DefaultLocale: "en",
		Title:   c.LocalText{"en": "Design better bus travel information with us", "fr": "Concevons ensemble une meilleure information voyageurs"},
		Summary: c.LocalText{"en": "We are redesigning stop displays and the journey planner. Propose ideas, discuss them, and support the ones you want us to build first.", "fr": "Nous repensons les écrans aux arrêts et le calculateur d'itinéraire. Proposez des idées et soutenez celles que vous préférez."},
		Body:    c.LocalText{"en": "Our service team reads every idea each week. The most supported ideas go into user research with the people who proposed them."},
		OpensAt: day(now, -3), ClosesAt: day(now, 60),
	}
}

func cyclingDraft(orgID string, now time.Time) c.Draft {
	return c.Draft{
		OrgID: orgID, Slug: "cycling-strategy-2026", Kind: c.KindPolicy, DefaultLocale: "en",
		Title:   c.LocalText{"en": "Cycling strategy 2026"},
		Summary: c.LocalText{"en": "We asked where to invest in cycling over the next five years."},
		OpensAt: day(now, -90), ClosesAt: day(now, 30),
	}
}
