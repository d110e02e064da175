"""Given and family names from the communities Italian desks serve, in Latin letters and in their
own scripts, so synthetic data exercises sorting, searching and rendering of every script."""

# country code: (given names, family names)
NAMES: dict[str, tuple[list[str], list[str]]] = {
    "IT": (
        ["Giulia", "Marco", "Francesca", "Luca", "Chiara", "Matteo", "Elena", "Paolo"],
        ["Rossi", "Bianchi", "Esposito", "Ferrari", "Romano", "Colombo", "Ricci", "Marino"],
    ),
    "MA": (
        ["Mohammed", "Fatima", "Youssef", "Khadija", "Hamza", "Salma", "محمد", "فاطمة"],
        ["El Amrani", "Benali", "Ouahbi", "Tazi", "Alaoui", "العلوي", "بنعلي", "التازي"],
    ),
    "AL": (
        ["Arben", "Elira", "Besnik", "Jonida", "Dritan", "Ardita", "Ermal", "Klodiana"],
        ["Hoxha", "Shehu", "Krasniqi", "Dervishi", "Gashi", "Leka", "Basha", "Kola"],
    ),
    "UA": (
        ["Olena", "Andriy", "Iryna", "Oleksandr", "Олена", "Андрій", "Ірина", "Тарас"],
        ["Kovalenko", "Shevchenko", "Bondarenko", "Коваленко", "Шевченко", "Бондаренко", "Melnyk", "Мельник"],
    ),
    "BD": (
        ["Rahim", "Ayesha", "Karim", "Nusrat", "রহিম", "আয়েশা", "করিম", "নুসরাত"],
        ["Hossain", "Rahman", "Akter", "Chowdhury", "হোসেন", "রহমান", "আক্তার", "চৌধুরী"],
    ),
    "PK": (
        ["Imran", "Sana", "Bilal", "Hina", "عمران", "ثنا", "بلال", "حنا"],
        ["Khan", "Butt", "Qureshi", "Malik", "خان", "بٹ", "قریشی", "ملک"],
    ),
    "CN": (
        ["Wei", "Fang", "Jun", "Li Na", "伟", "芳", "军", "丽娜"],
        ["Wang", "Zhang", "Chen", "Liu", "王", "张", "陈", "刘"],
    ),
    "IN": (
        ["Gurpreet", "Harpreet", "Amit", "Priya", "ਗੁਰਪ੍ਰੀਤ", "ਹਰਪ੍ਰੀਤ", "अमित", "प्रिया"],
        ["Singh", "Kaur", "Sharma", "Patel", "ਸਿੰਘ", "ਕੌਰ", "शर्मा", "पटेल"],
    ),
    "LK": (
        ["Nuwan", "Dilani", "Kasun", "Ishara", "නුවන්", "දිලානි", "කසුන්", "ඉෂාරා"],
        ["Perera", "Fernando", "Silva", "Jayasinghe", "පෙරේරා", "ප්‍රනාන්දු", "සිල්වා", "ජයසිංහ"],
    ),
    "ER": (
        ["Yonas", "Selam", "Tesfay", "Mehret", "ዮናስ", "ሰላም", "ተስፋይ", "ምሕረት"],
        ["Gebremedhin", "Tesfamariam", "Haile", "Berhane", "ገብረመድህን", "ተስፋማርያም", "ሃይለ", "በርሀነ"],
    ),
    "NG": (
        ["Chinedu", "Ngozi", "Oluwaseun", "Aisha", "Emeka", "Funmilayo", "Ibrahim", "Blessing"],
        ["Okafor", "Adeyemi", "Okonkwo", "Bello", "Eze", "Balogun", "Nwosu", "Abubakar"],
    ),
    "SN": (
        ["Mamadou", "Awa", "Cheikh", "Fatou", "Ousmane", "Aminata", "Ibrahima", "Mariama"],
        ["Diop", "Ndiaye", "Fall", "Sarr", "Sow", "Ba", "Gueye", "Diallo"],
    ),
    "PH": (
        ["Maria", "Jose", "Rowena", "Jun", "Maricel", "Rodel", "Liza", "Arnel"],
        ["Santos", "Reyes", "Cruz", "Bautista", "Dela Cruz", "Garcia", "Mendoza", "Villanueva"],
    ),
    "AF": (
        ["Ahmad", "Zahra", "Mustafa", "Maryam", "احمد", "زهرا", "مصطفی", "مریم"],
        ["Ahmadi", "Hosseini", "Rahimi", "Karimi", "احمدی", "حسینی", "رحیمی", "کریمی"],
    ),
    "PE": (
        ["Luis", "Rosa", "Carlos", "Milagros", "Jorge", "Lucía", "Wilmer", "Yesenia"],
        ["Quispe", "Flores", "Huamán", "Mamani", "Rojas", "Chávez", "Torres", "Vargas"],
    ),
    "MD": (
        ["Ion", "Natalia", "Vasile", "Tatiana", "Ион", "Наталья", "Andrei", "Elena"],
        ["Rusu", "Ceban", "Popa", "Munteanu", "Русу", "Чебан", "Ciobanu", "Lungu"],
    ),
}
