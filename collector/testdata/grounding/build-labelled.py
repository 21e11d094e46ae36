"""Writes labelled.jsonl: hand-written topics, each a source and sentences labelled against it
(S supported, C contradicted, U unsupported), and hand-picked responses made of those sentences.
The verdict each case expects follows verdict.ts with every label held at confidence 1: any
CONTRADICTED, or 40% or more of the claims flagged, is HALLUCINATION; any other flag SUSPICIOUS."""
import json, os

T = []
def topic(name, sources, sentences, picks):
    T.append((name, sources, sentences, picks))

topic('acme', ["Acme Robotics was founded in 2011 by Priya Raman in Austin, Texas. The company employs 1,250 people across four offices. In 2023 it reported revenue of $48.2 million, up 12% from the year before. Its flagship product, the Harvester arm, shipped in March 2019."],
  [("Acme Robotics was founded in 2011.", 'S'), ("Priya Raman founded the company in Austin.", 'S'), ("Acme has 1250 employees.", 'S'),
   ("Revenue in 2023 was $48.2 million.", 'S'), ("Revenue grew 12 percent in 2023.", 'S'), ("The Harvester arm shipped in March 2019.", 'S'),
   ("Acme Robotics was founded in 2009.", 'C'), ("The company employs 2,500 people.", 'C'), ("Revenue in 2023 was $52 million.", 'C'),
   ("The Harvester arm shipped in June 2019.", 'C'), ("Acme Robotics is planning an IPO in Singapore.", 'U'), ("The company holds 40 patents on gripper design.", 'U')],
  [[0, 2, 3], [0, 1, 6], [3, 4, 8], [5, 11], [2, 7, 10], [1, 5, 9, 4]])

topic('eiffel', ["The Eiffel Tower was built for the 1889 World's Fair in Paris. Construction began on 28 January 1887 and was completed in March 1889. The tower is 330 metres tall. It was designed by the engineering company of Gustave Eiffel; the engineers Maurice Koechlin and Emile Nouguier drew the first plans."],
  [("The Eiffel Tower was built for the 1889 World's Fair.", 'S'), ("Construction started on January 28, 1887.", 'S'), ("The tower is 330 metres tall.", 'S'),
   ("Maurice Koechlin and Emile Nouguier drew the first plans.", 'S'), ("Construction was completed in March 1889.", 'S'),
   ("Construction began on 28 January 1885.", 'C'), ("The tower is 300 metres tall.", 'C'), ("The first plans were drawn by Stephen Sauvestre.", 'C'),
   ("The tower receives about 7 million visitors a year.", 'U'), ("It was painted red until 1968.", 'U')],
  [[0, 1, 2], [2, 3, 6], [1, 4, 5], [0, 8, 9], [3, 7], [0, 1, 2, 3, 4]])

topic('refund', ["Customers may return any item within 30 days of delivery for a full refund. Refunds are issued to the original payment method within 5 business days of receiving the return. Items marked as final sale cannot be returned. Return shipping is free for members of the Plus programme; other customers pay a $7.95 return fee."],
  [("You can return items within 30 days of delivery.", 'S'), ("Refunds go back to the original payment method.", 'S'), ("Refunds are issued within 5 business days of receiving the return.", 'S'),
   ("Final sale items cannot be returned.", 'S'), ("Plus members get free return shipping.", 'S'),
   ("You can return items within 60 days of delivery.", 'C'), ("Other customers pay a $9.95 return fee.", 'C'), ("Refunds are issued within 14 business days.", 'C'),
   ("Refunds can also be issued as store credit with a 10% bonus.", 'U'), ("Exchanges are processed the same day.", 'U')],
  [[0, 1, 3], [0, 6], [2, 4, 8], [5, 1, 9], [3, 4, 7], [0, 2, 4]])

topic('curie', ["Marie Curie was born in Warsaw on 7 November 1867. She shared the 1903 Nobel Prize in Physics with Pierre Curie and Henri Becquerel. In 1911 she won the Nobel Prize in Chemistry for the discovery of polonium and radium. She died on 4 July 1934 in Passy, France."],
  [("Marie Curie was born in Warsaw in 1867.", 'S'), ("She shared the 1903 Nobel Prize in Physics with Pierre Curie and Henri Becquerel.", 'S'),
   ("She won the Nobel Prize in Chemistry in 1911.", 'S'), ("Marie Curie died on July 4, 1934.", 'S'),
   ("Marie Curie was born in Krakow.", 'C'), ("She won the Nobel Prize in Chemistry in 1921.", 'C'), ("She shared the 1903 prize with Albert Einstein.", 'C'),
   ("She taught at the University of Geneva for ten years.", 'U'), ("Her notebooks are still radioactive today.", 'U')],
  [[0, 2, 3], [1, 5], [0, 4, 7], [2, 3, 8], [6, 2], [0, 1, 2, 3]])

topic('drug', ["Ibuprofen tablets contain 200 mg of ibuprofen. Adults may take 1 or 2 tablets every 4 to 6 hours. Do not take more than 6 tablets in 24 hours. Do not give to children under 12 years old."],
  [("Each tablet contains 200 mg of ibuprofen.", 'S'), ("Adults may take one or two tablets every 4 to 6 hours.", 'S'), ("Do not take more than 6 tablets in 24 hours.", 'S'),
   ("It should not be given to children under 12.", 'S'), ("Each tablet contains 400 mg of ibuprofen.", 'C'), ("You can take up to 10 tablets in 24 hours.", 'C'),
   ("It is safe to take with alcohol.", 'U'), ("The tablets should be stored below 25 degrees.", 'U')],
  [[0, 1, 2], [0, 5], [3, 6], [4, 2, 3], [1, 7], [0, 2, 3]])

topic('q3', ["Northwind Traders reported third-quarter sales of $1.2 billion, an increase of 8% year over year. Operating margin was 14.5%. The company opened 23 new stores during the quarter, bringing the total to 412. Chief executive Dana Whitfield said the holiday outlook remained strong."],
  [("Northwind's third-quarter sales were $1.2 billion.", 'S'), ("Sales rose 8% year over year.", 'S'), ("Operating margin was 14.5 percent.", 'S'),
   ("The company opened 23 new stores, for a total of 412.", 'S'), ("Dana Whitfield is the chief executive.", 'S'),
   ("Sales rose 18% year over year.", 'C'), ("The company now has 512 stores.", 'C'), ("Chief executive Mark Jensen said the outlook was strong.", 'C'),
   ("Northwind plans to enter the Canadian market next year.", 'U'), ("Online sales doubled in the quarter.", 'U')],
  [[0, 1, 2], [3, 4, 5], [0, 6, 8], [2, 9], [7, 1], [0, 1, 2, 3, 4]])

topic('apollo', ["Apollo 11 launched from Kennedy Space Center on July 16, 1969. Neil Armstrong and Buzz Aldrin landed the lunar module Eagle on July 20, 1969, while Michael Collins remained in lunar orbit. The crew returned to Earth on July 24, 1969, splashing down in the Pacific Ocean."],
  [("Apollo 11 launched on 16 July 1969.", 'S'), ("Neil Armstrong and Buzz Aldrin landed the lunar module Eagle.", 'S'), ("Michael Collins remained in lunar orbit.", 'S'),
   ("The crew splashed down in the Pacific Ocean on July 24, 1969.", 'S'), ("Apollo 11 launched on July 18, 1969.", 'C'),
   ("Michael Collins landed the lunar module with Neil Armstrong.", 'C'), ("The crew splashed down in the Atlantic Ocean.", 'C'),
   ("The mission carried a camera made by Hasselblad.", 'U'), ("Aldrin took communion on the Moon.", 'U')],
  [[0, 1, 2], [1, 3, 4], [0, 6], [2, 7, 8], [5, 3], [0, 1, 2, 3]])

topic('sla', ["The Enterprise plan guarantees 99.95% monthly uptime. If uptime falls below that level, customers receive a service credit of 10% of the monthly fee; below 99.0% the credit rises to 25%. Support tickets with severity 1 receive a response within 15 minutes, 24 hours a day."],
  [("The Enterprise plan guarantees 99.95% monthly uptime.", 'S'), ("Below the guaranteed uptime, customers get a 10% service credit.", 'S'),
   ("Below 99.0% uptime the credit rises to 25%.", 'S'), ("Severity 1 tickets get a response within 15 minutes.", 'S'),
   ("The Enterprise plan guarantees 99.99% monthly uptime.", 'C'), ("Severity 1 tickets get a response within 60 minutes.", 'C'),
   ("Credits are paid out in cash on request.", 'U'), ("The Enterprise plan includes a dedicated account manager.", 'U')],
  [[0, 1, 3], [2, 4], [0, 6, 7], [3, 5, 1], [1, 2], [0, 1, 2, 3]])

topic('python', ["Python was created by Guido van Rossum and first released in 1991. Python 3.0 was released on 3 December 2008 and was not backward compatible with Python 2. Support for Python 2.7 ended on January 1, 2020."],
  [("Python was created by Guido van Rossum.", 'S'), ("It was first released in 1991.", 'S'), ("Python 3.0 came out on December 3, 2008.", 'S'),
   ("Python 3 was not backward compatible with Python 2.", 'S'), ("Support for Python 2.7 ended on 1 January 2020.", 'S'),
   ("Python was first released in 1989.", 'C'), ("Python 3.0 was released on 3 December 2010.", 'C'), ("Python 3 was fully backward compatible with Python 2.", 'C'),
   ("Python is named after a British comedy group.", 'U'), ("Python 4.0 is scheduled for 2027.", 'U')],
  [[0, 1, 2], [3, 4, 5], [2, 7], [0, 8, 9], [6, 4], [0, 1, 3, 4]])

topic('merger', ["On 14 February 2022, Helix Pharma agreed to acquire Corvan Bio for $3.4 billion in cash. The deal was expected to close in the second half of 2022. Corvan's lead drug, CV-201, is in phase 3 trials for psoriasis. Helix's chief executive is Tomas Lindqvist."],
  [("Helix Pharma agreed to buy Corvan Bio for $3.4 billion.", 'S'), ("The acquisition was announced on February 14, 2022.", 'S'), ("Corvan's lead drug is in phase 3 trials for psoriasis.", 'S'),
   ("Tomas Lindqvist is Helix's chief executive.", 'S'), ("Helix Pharma agreed to buy Corvan Bio for $4.3 billion.", 'C'),
   ("The deal was announced on 14 March 2022.", 'C'), ("Corvan Bio agreed to acquire Helix Pharma.", 'C'), ("The deal was paid partly in Helix shares.", 'U'),
   ("Corvan's drug was approved in Europe in 2021.", 'U')],
  [[0, 1], [2, 3, 4], [0, 5], [1, 7, 8], [3, 2, 0], [0, 1, 2, 3]])

topic('climate', ["According to the report, global average surface temperature in 2023 was 1.45 degrees Celsius above the pre-industrial average. Atmospheric carbon dioxide reached 420 parts per million. Sea level has risen about 10 centimetres since 1993."],
  [("Global average temperature in 2023 was 1.45 degrees above the pre-industrial average.", 'S'), ("Carbon dioxide reached 420 parts per million.", 'S'),
   ("Sea level has risen about 10 centimetres since 1993.", 'S'), ("Global temperature in 2023 was 2.1 degrees above pre-industrial levels.", 'C'),
   ("Carbon dioxide reached 450 parts per million.", 'C'), ("Arctic sea ice reached a record low in September.", 'U'), ("The report was written by 200 scientists.", 'U')],
  [[0, 1, 2], [0, 4], [1, 2, 5], [3, 6], [2, 1], [0, 2]])

topic('library', ["The Riverside Public Library is open Monday to Friday from 9am to 8pm and on Saturdays from 10am to 4pm. It is closed on Sundays. Members can borrow up to 12 items at a time for 21 days. Late returns are charged 25 cents per item per day."],
  [("Members can borrow up to 12 items at a time.", 'S'), ("Loans last 21 days.", 'S'), ("The library is closed on Sundays.", 'S'),
   ("Late returns cost 25 cents per item per day.", 'S'), ("Members can borrow up to 20 items at a time.", 'C'), ("Loans last 14 days.", 'C'),
   ("The library offers free printing for members.", 'U'), ("There is a cafe on the ground floor.", 'U')],
  [[0, 1, 2], [3, 4], [0, 6, 7], [2, 5, 1], [1, 3], [0, 1, 2, 3]])

topic('tesla', ["Nikola Tesla was born on 10 July 1856 in Smiljan, in what is now Croatia. He emigrated to the United States in 1884 and briefly worked for Thomas Edison. In 1888 he licensed his alternating current motor patents to George Westinghouse."],
  [("Nikola Tesla was born in Smiljan in 1856.", 'S'), ("He emigrated to the United States in 1884.", 'S'), ("He briefly worked for Thomas Edison.", 'S'),
   ("He licensed his AC motor patents to George Westinghouse in 1888.", 'S'), ("Tesla emigrated to the United States in 1890.", 'C'),
   ("He licensed his motor patents to J. P. Morgan.", 'C'), ("Tesla spoke eight languages.", 'U'), ("He built a laboratory in Colorado Springs.", 'U')],
  [[0, 1, 2], [3, 4], [0, 6, 7], [1, 5], [2, 3, 0], [0, 1, 3]])

topic('shipping', ["Standard shipping takes 3 to 5 business days and costs $4.99. Orders over $50 ship free. Express shipping delivers in 1 to 2 business days for $14.99. We ship to the United States and Canada only."],
  [("Standard shipping takes 3 to 5 business days.", 'S'), ("Standard shipping costs $4.99.", 'S'), ("Orders over $50 ship for free.", 'S'),
   ("Express shipping costs $14.99.", 'S'), ("We ship to the United States and Canada.", 'S'), ("Orders over $75 ship for free.", 'C'),
   ("Express shipping costs $19.99.", 'C'), ("We also ship to Mexico.", 'U'), ("Orders placed before noon ship the same day.", 'U')],
  [[0, 1, 2], [3, 5], [4, 7], [0, 3, 8], [6, 2], [1, 2, 3, 4]])

topic('everest', ["Mount Everest is 8,849 metres high, according to the 2020 survey by China and Nepal. Edmund Hillary and Tenzing Norgay made the first confirmed ascent on 29 May 1953. The mountain lies on the border between Nepal and the Tibet Autonomous Region of China."],
  [("Mount Everest is 8849 metres high.", 'S'), ("The height was measured in a 2020 survey by China and Nepal.", 'S'),
   ("Edmund Hillary and Tenzing Norgay first climbed it on May 29, 1953.", 'S'), ("Everest lies on the border between Nepal and China.", 'S'),
   ("Mount Everest is 8,611 metres high.", 'C'), ("The first confirmed ascent was in 1963.", 'C'), ("George Mallory made the first confirmed ascent.", 'C'),
   ("More than 300 people have died on the mountain.", 'U'), ("The summit is visible from Kathmandu.", 'U')],
  [[0, 1, 2], [3, 4], [2, 5, 7], [6, 0], [1, 8, 3], [0, 2, 3]])

topic('meeting', ["The board met on 2024-03-15 and approved a dividend of $0.42 per share, payable on April 30, 2024. Directors also approved a share buyback of up to $500 million. Chair Elena Ruiz will step down at the annual meeting in June."],
  [("The board met on March 15, 2024.", 'S'), ("It approved a dividend of $0.42 per share.", 'S'), ("The dividend is payable on 30 April 2024.", 'S'),
   ("A buyback of up to $500 million was approved.", 'S'), ("Elena Ruiz will step down as chair in June.", 'S'), ("The board met on 16 March 2024.", 'C'),
   ("The dividend is $0.52 per share.", 'C'), ("Chair Elena Ruiz will step down in September.", 'C'), ("The buyback will be completed within two years.", 'U'),
   ("Elena Ruiz will be replaced by Omar Haddad.", 'U')],
  [[0, 1, 2], [3, 6], [0, 4, 5], [1, 8, 9], [7, 3], [0, 1, 2, 3, 4]])

topic('paraphrase', ["The museum is free to enter on the first Sunday of every month. At other times admission is 18 euros for adults, while visitors under 18 get in free. The museum houses more than 8,000 works, most of them paintings from the 19th century."],
  [("Entry costs nothing on the first Sunday of each month.", 'S'), ("Adults pay 18 euros on other days.", 'S'), ("Visitors younger than 18 are admitted without charge.", 'S'),
   ("The collection holds over 8,000 works.", 'S'), ("Adults pay 25 euros on other days.", 'C'), ("The collection holds over 80,000 works.", 'C'),
   ("Guided tours are available in five languages.", 'U'), ("The museum was designed by a Japanese architect.", 'U')],
  [[0, 1, 3], [2, 4], [1, 6], [0, 5, 3], [7, 2, 1], [0, 1, 2, 3]])

topic('multi-source', ["Orion Airlines operates a fleet of 64 aircraft.", "Orion Airlines was founded in 1995 and is based in Lisbon. Its chief executive is Ana Sousa.", "In 2023 Orion carried 9.8 million passengers."],
  [("Orion Airlines operates 64 aircraft.", 'S'), ("The airline is based in Lisbon.", 'S'), ("Orion was founded in 1995.", 'S'), ("Orion carried 9.8 million passengers in 2023.", 'S'),
   ("Ana Sousa is the chief executive.", 'S'), ("Orion operates 46 aircraft.", 'C'), ("Orion carried 12 million passengers in 2023.", 'C'), ("Orion is based in Porto.", 'C'),
   ("Orion plans to order 20 new jets.", 'U'), ("Orion flies to 90 destinations.", 'U')],
  [[0, 1, 2], [3, 4, 5], [0, 6], [1, 2, 8], [7, 9], [0, 1, 2, 3, 4]])

cases = []
for name, sources, sentences, picks in T:
    for i, pick in enumerate(picks):
        chosen = [sentences[k] for k in pick]
        response = ' '.join(s for s, _ in chosen)
        claims = [{'text': s, 'status': {'S': 'SUPPORTED', 'C': 'CONTRADICTED', 'U': 'UNSUPPORTED'}[l]} for s, l in chosen]
        flagged = sum(1 for c in claims if c['status'] != 'SUPPORTED')
        if any(c['status'] == 'CONTRADICTED' for c in claims) or flagged / len(claims) >= 0.4:
            verdict = 'HALLUCINATION'
        elif flagged:
            verdict = 'SUSPICIOUS'
        else:
            verdict = 'CLEAN'
        cases.append({'id': f'{name}-{i + 1}', 'response': response, 'sources': sources, 'claims': claims, 'verdict': verdict})

# A few written whole: bullets, clauses and courtesy text the splitter must leave out.
cases.append({'id': 'bullets-1', 'response': "Here is a summary:\n- Acme Robotics was founded in 2011.\n- It employs 1,250 people.\n- Revenue in 2023 was $61 million.\nI hope this helps!",
  'sources': T[0][1], 'claims': [{'text': 'Acme Robotics was founded in 2011.', 'status': 'SUPPORTED'}, {'text': 'It employs 1,250 people.', 'status': 'SUPPORTED'}, {'text': 'Revenue in 2023 was $61 million.', 'status': 'CONTRADICTED'}], 'verdict': 'HALLUCINATION'})
cases.append({'id': 'clauses-1', 'response': "Standard shipping takes 3 to 5 business days, and express shipping costs $14.99; orders over $50 ship free.",
  'sources': T[13][1], 'claims': [{'text': 'Standard shipping takes 3 to 5 business days', 'status': 'SUPPORTED'}, {'text': 'express shipping costs $14.99', 'status': 'SUPPORTED'}, {'text': 'orders over $50 ship free.', 'status': 'SUPPORTED'}], 'verdict': 'CLEAN'})
cases.append({'id': 'clauses-2', 'response': "Marie Curie was born in Warsaw in 1867, but she died in Paris in 1940.",
  'sources': T[3][1], 'claims': [{'text': 'Marie Curie was born in Warsaw in 1867', 'status': 'SUPPORTED'}, {'text': 'she died in Paris in 1940.', 'status': 'CONTRADICTED'}], 'verdict': 'HALLUCINATION'})
cases.append({'id': 'formats-1', 'response': "The board met on 15/03/2024. The buyback is worth up to 500 million dollars. The dividend of 42 cents is payable on 2024-04-30.",
  'sources': T[15][1], 'claims': [{'text': 'The board met on 15/03/2024.', 'status': 'SUPPORTED'}, {'text': 'The buyback is worth up to 500 million dollars.', 'status': 'SUPPORTED'}, {'text': 'The dividend of 42 cents is payable on 2024-04-30.', 'status': 'SUPPORTED'}], 'verdict': 'CLEAN'})

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'labelled.jsonl'), 'w') as f:
    for c in cases:
        for cl in c['claims']:
            assert cl['text'] in c['response'], (c['id'], cl['text'])
        f.write(json.dumps(c, ensure_ascii=False) + '\n')
print(len(cases), 'cases', sum(len(c['claims']) for c in cases), 'claims')
