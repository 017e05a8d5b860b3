// Labels of the fields that give a template its name and description in each language.

export const nameLabels = {
  zh: {
    "template.nameZh": "名称（中文）",
    "template.nameEn": "名称（英文）",
    "template.descriptionZh": "说明（中文）",
    "template.descriptionEn": "说明（英文）",
    "template.nameNeeded": "请至少填写一种语言的名称。",
  },
  en: {
    "template.nameZh": "Name in Chinese",
    "template.nameEn": "Name in English",
    "template.descriptionZh": "Description in Chinese",
    "template.descriptionEn": "Description in English",
    "template.nameNeeded": "Give the name in at least one language.",
  },
};
