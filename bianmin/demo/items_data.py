"""Demo service-item guides for the fictional 云溪县 (synthetic content)."""

ITEMS: list[dict]
ITEMS = [
    {
        "code": "YX-0001",
        "basic_code": "000111001000",
        "name": "个体工商户登记",
        "kind": "LICENSE",
        "level": "COUNTY",
        "department": "SCJ",
        "implementing_organ": "云溪县市场监督管理局",
        "joint_departments": [],
        "legal_basis": (
            "1.《促进个体工商户发展条例》第二条：有经营能力的公民在境内从事工商业经营，经市场主体登记机关登记为个体工"
            "商户。\n"
            "2.《中华人民共和国市场主体登记管理条例》第十六条：申请市场主体登记应当提交申请书、自然人身份证明、"
            "经营场所相关文件等材料。\n"
            "3.《中华人民共和国市场主体登记管理条例》第十九条：申请材料齐全、符合法定形式的，"
            "登记机关予以确认并当场登记；不能当场登记的，应当在 3 个工作日内登记，情形复杂的经登记机关负责人批准可再"
            "延长 3 个工作日。\n"
            "4.《中华人民共和国市场主体登记管理条例实施细则》关于个体工商户登记事项和登记程序的规定。"
        ),
        "conditions": (
            "1. 经营者为年满 18 周岁、具有完全民事行为能力的自然人；年满 16 周岁以自己劳动收入为主要生活来源的，"
            "视为完全民事行为能力人；\n"
            "2. 有与经营项目相适应的固定经营场所，使用住宅作为经营场所的，符合本县“住改商”管理规定；"
            "仅通过网络经营的，可将网络经营场所登记为经营场所；\n"
            "3. 使用名称的，名称符合名称登记管理规定，一户只使用一个名称；\n"
            "4. 经营范围不属于法律、行政法规禁止个体工商户经营的项目，涉及登记前置审批的已取得批准文件；\n"
            "5. 经营者未被列入依法限制从事个体经营的名单。"
        ),
        "procedure": (
            "1. 申请：通过“云溪政务服务网”个体工商户登记专区或县政务服务中心二楼市场主体登记窗口提交申请，"
            "可同步办理印章刻制和涉税信息确认；\n"
            "2. 受理：窗口核验经营者身份，对申请材料是否齐全、是否符合法定形式进行审查，符合要求的当场受理；\n"
            "3. 审查：登记人员核对名称、经营者、组成形式、经营范围、经营场所等登记事项；\n"
            "4. 决定：材料齐全、符合法定形式的当场予以登记；不能当场登记的，在 3 个工作日内作出登记决定；\n"
            "5. 送达：纸质营业执照窗口领取或免费邮寄，电子营业执照同步生成，可通过“电子营业执照”小程序下载使用。"
        ),
        "legal_limit": 3,
        "legal_limit_unit": "WORKING",
        "committed_limit": 0,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": True,
        "extension_days": 3,
        "default_class": "IMMEDIATE",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": True,
        "courier": True,
        "online_payment": False,
        "place": "云溪县政务服务中心二楼 8—10 号窗口（市场主体登记）",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6212301",
        "complaint_phone": "0799-6123400",
        "result_type": "CERTIFICATE",
        "result_name": "营业执照（纸质及电子营业执照）",
        "fees": [],
        "materials": [
            {
                "name": "个体工商户登记（备案）申请书",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "《中华人民共和国市场主体登记管理条例》第十六条",
                "standard": (
                    "使用市场监管部门统一格式文本，经营者本人签字（网上申请的完成电子签名），填写内容与身份证件信息一致"
                ),
            },
            {
                "name": "经营者居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内；网上申请的通过实名认证核验，无需另行上传证件照片",
            },
            {
                "name": "经营场所使用证明",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": (
                    "自有房屋提供不动产权证书或购房合同；租用的提供租赁合同及出租方产权证明；无产权证明的提供村（居）"
                    "民委员会出具的场所使用证明"
                ),
            },
            {
                "name": "经营场所门头及内景照片",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": "能反映门牌号及经营场所实景，照片清晰；受理时暂缺的，可在领取营业执照前补交",
            },
            {
                "name": "委托代理人身份证明及授权委托书",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "由他人代为办理时提供；委托书载明委托事项和权限，并由经营者签字",
            },
        ],
        "faq": [
            {
                "question": "个体工商户一定要起名称吗？",
                "answer": (
                    "不一定。个体工商户可以不使用名称，不使用名称的，营业执照“名称”栏以符号标注；需要使用名称的，"
                    "应当符合名称登记的有关规定。"
                ),
            },
            {
                "question": "营业执照可以邮寄吗？",
                "answer": (
                    "可以。申请时勾选“免费邮寄”并填写收件地址，营业执照通过政务专递送达，邮费由县政务服务中心承担。"
                ),
            },
        ],
    },
    {
        "code": "YX-0002",
        "basic_code": "000111002000",
        "name": "食品经营许可",
        "kind": "LICENSE",
        "level": "COUNTY",
        "department": "SCJ",
        "implementing_organ": "云溪县市场监督管理局",
        "joint_departments": [],
        "legal_basis": (
            "1.《中华人民共和国食品安全法》第三十五条：国家对食品生产经营实行许可制度，从事食品销售和餐饮服务应当依法"
            "取得许可；仅销售预包装食品的，应当向县级以上食品安全监督管理部门备案。\n"
            "2.《中华人民共和国食品安全法》第三十三条：食品经营应当具备相适应的场所、设备设施、管理人员和规章制度。\n"
            "3.《食品经营许可和备案管理办法》：规定食品经营许可的申请、受理、审查、决定、变更、延续和注销程序。"
        ),
        "conditions": (
            "1. 已依法取得营业执照等合法主体资格；\n"
            "2. 具有与经营的食品品种、数量相适应的加工、销售、贮存场所，场所环境整洁，与有毒有害场所及其他污染源保持"
            "规定距离；\n"
            "3. 具有与经营项目相适应的冷藏冷冻、消毒、洗涤、更衣、通风、防尘、防蝇、防鼠、防虫及废弃物存放设备设施；"
            "\n"
            "4. 配备专职或兼职的食品安全管理人员，建立保证食品安全的规章制度；\n"
            "5. 设备布局和操作流程合理，能够防止待加工食品与直接入口食品、原料与成品交叉污染。"
        ),
        "procedure": (
            "1. 申请：通过“云溪政务服务网”或县政务服务中心二楼食品经营许可窗口提交申请材料；\n"
            "2. 受理：窗口审查申请材料，材料齐全、符合法定形式的当场受理并出具受理通知书，"
            "材料不齐全的一次性告知补正内容；\n"
            "3. 审查：审查人员对申请材料进行书面审查，需要现场核查的由 2 名以上执法人员到场核查并形成核查记录；\n"
            "4. 决定：符合条件的作出准予许可决定；不符合条件的作出不予许可决定，说明理由并告知申请复议或提起诉讼的权"
            "利；\n"
            "5. 送达：准予许可的核发《食品经营许可证》，可窗口领取或免费邮寄，电子许可证同步生成。"
        ),
        "legal_limit": 10,
        "legal_limit_unit": "WORKING",
        "committed_limit": 5,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": True,
        "extension_days": 5,
        "default_class": "PROMISED",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": True,
        "courier": True,
        "online_payment": False,
        "place": "云溪县政务服务中心二楼 11 号窗口（食品经营许可）",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6212306",
        "complaint_phone": "0799-6123400",
        "result_type": "CERTIFICATE",
        "result_name": "食品经营许可证",
        "fees": [],
        "materials": [
            {
                "name": "食品经营许可申请书",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "使用统一格式文本，主体业态和经营项目填写准确，法定代表人（负责人）签字或加盖公章",
            },
            {
                "name": "营业执照",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "通过市场主体登记信息系统共享核验，申请人无需提交纸质件或复印件",
            },
            {
                "name": "经营场所平面图、设备布局图及操作流程说明",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": (
                    "标明经营场所面积、功能分区和主要设备位置，比例清楚；餐饮服务的标明粗加工、切配、烹饪、"
                    "餐用具清洗消毒等区域"
                ),
            },
            {
                "name": "保证食品安全的规章制度",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "《中华人民共和国食品安全法》第三十三条",
                "standard": (
                    "包括从业人员健康管理、进货查验记录、食品安全自查、食品安全事故处置等制度；受理时暂缺的，"
                    "可在现场核查前补齐"
                ),
            },
            {
                "name": "食品安全管理人员名单及身份证明",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "列明姓名、岗位和联系方式，附身份证复印件，复印件清晰可辨",
            },
            {
                "name": "授权委托书及代理人身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "委托他人办理时提供，委托书载明委托权限并由申请人签字或盖章",
            },
        ],
        "faq": [
            {
                "question": "只卖包装好的饮料和零食，需要办食品经营许可证吗？",
                "answer": (
                    "仅销售预包装食品的，不需要取得食品经营许可，但应当向县市场监督管理局办理备案，备案可在线提交、"
                    "当场办结。"
                ),
            },
            {
                "question": "现场核查前需要做哪些准备？",
                "answer": "请确保经营场所已完成装修、设备设施已安装到位，与申请材料一致，并安排负责人在场配合核查。",
            },
        ],
    },
    {
        "code": "YX-0003",
        "basic_code": "000116003000",
        "name": "公共场所卫生许可",
        "kind": "LICENSE",
        "level": "COUNTY",
        "department": "WJW",
        "implementing_organ": "云溪县卫生健康委员会",
        "joint_departments": [],
        "legal_basis": (
            "1.《公共场所卫生管理条例》第八条：除公园、体育场（馆）、公共交通工具外，公共场所经营单位应当依法取得卫生"
            "许可证。\n"
            "2.《公共场所卫生管理条例实施细则》：规定公共场所卫生许可的申请材料、现场审查、许可证有效期和延续要求。\n"
            "3.《中华人民共和国行政许可法》第四十二条：行政机关应当自受理申请之日起 20 日内作出许可决定，"
            "不能作出决定的经本机关负责人批准可延长 10 日。"
        ),
        "conditions": (
            "1. 属于住宿场所、沐浴场所、游泳场所、美容店等依法需要取得卫生许可的公共场所；\n"
            "2. 已取得营业执照；\n"
            "3. 场所选址、功能布局和卫生设施符合相应公共场所卫生标准，设有消毒、保洁、通风、防虫防鼠设施；\n"
            "4. 室内空气质量、游泳池水、沐浴用水、公共用品用具等经具备资质的检测机构检测合格；\n"
            "5. 建立卫生管理制度，配备专职或兼职卫生管理人员；\n"
            "6. 直接为顾客服务的从业人员持有有效的健康合格证明。"
        ),
        "procedure": (
            "1. 申请：经营单位通过“云溪政务服务网”或县政务服务中心二楼卫生健康窗口提交申请；\n"
            "2. 受理：窗口审查申请材料，符合要求的当场受理并出具受理通知书；\n"
            "3. 审查：县卫生健康综合监督执法人员开展现场审查，核对场所布局、卫生设施和检测报告；需补充检测的，"
            "检测时间不计入办理时限；\n"
            "4. 决定：符合条件的作出准予许可决定，不符合条件的书面说明理由；\n"
            "5. 送达：核发《公共场所卫生许可证》（有效期 4 年），可窗口领取或免费邮寄。"
        ),
        "legal_limit": 20,
        "legal_limit_unit": "WORKING",
        "committed_limit": 10,
        "committed_limit_unit": "WORKING",
        "special_procedures": ["TESTING"],
        "extension_allowed": True,
        "extension_days": 10,
        "default_class": "PROMISED",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": True,
        "courier": True,
        "online_payment": False,
        "place": "云溪县政务服务中心二楼 15 号窗口（卫生健康）",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6215520",
        "complaint_phone": "0799-6123400",
        "result_type": "CERTIFICATE",
        "result_name": "公共场所卫生许可证",
        "fees": [],
        "materials": [
            {
                "name": "公共场所卫生许可申请表",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "按统一格式填写，场所名称、地址、经营项目与营业执照一致，加盖单位公章或经营者签字",
            },
            {
                "name": "营业执照",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "通过市场主体登记信息系统共享核验，申请人无需提交纸质件或复印件",
            },
            {
                "name": "法定代表人或负责人身份证明",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内，复印件清晰",
            },
            {
                "name": "场所地址方位示意图、平面图和卫生设施布局图",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "标明场所周边环境、各功能间面积以及消毒间、布草间、卫生间等卫生设施位置",
            },
            {
                "name": "公共场所卫生检测或评价报告",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": (
                    "由取得检验检测机构资质认定的机构出具，出具日期在申请前 3 个月以内，检测项目覆盖该类场所卫生标准"
                    "要求"
                ),
            },
            {
                "name": "公共场所卫生管理制度",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": (
                    "包括卫生管理、清洗消毒、从业人员健康检查和培训、健康危害事故应急处置等制度；可在现场审查前补交"
                ),
            },
            {
                "name": "从业人员健康合格证明",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": "由具备健康体检资质的医疗机构出具，在有效期内；新招录人员可在现场审查前补交",
            },
        ],
        "faq": [
            {
                "question": "检测报告由谁出具？费用由谁承担？",
                "answer": (
                    "由申请人自行委托具备资质认定的检测机构出具，检测费用按检测机构收费标准由申请人承担。"
                    "县卫生健康委员会不收取许可费用，也不指定检测机构。"
                ),
            },
            {
                "question": "许可证快到期了怎么办？",
                "answer": "应在有效期届满 30 日前提出延续申请，经审查符合条件的换发新证。",
            },
        ],
    },
    {
        "code": "YX-0004",
        "basic_code": "000111004000",
        "name": "药品零售许可",
        "kind": "LICENSE",
        "level": "COUNTY",
        "department": "SCJ",
        "implementing_organ": "云溪县市场监督管理局",
        "joint_departments": [],
        "legal_basis": (
            "1.《中华人民共和国药品管理法》第五十一条：从事药品零售活动，应当经所在地县级以上地方人民政府药品监督管理"
            "部门批准，取得药品经营许可证。\n"
            "2.《中华人民共和国药品管理法》第五十二条：从事药品经营活动应当有依法经过资格认定的药师或其他药学技术人员"
            "，有相适应的营业场所、设备、仓储设施和卫生环境，有质量管理机构或人员及质量管理规章制度。\n"
            "3.《药品经营和使用质量监督管理办法》：规定药品零售企业许可的申请条件、审查程序和许可证管理。\n"
            "4.《药品经营质量管理规范》：药品零售企业应当按照规范要求建立质量管理体系。"
        ),
        "conditions": (
            "1. 已取得营业执照，经营范围包含药品零售；\n"
            "2. 法定代表人、主要负责人、质量负责人无药品管理法律法规规定的禁止从业情形；\n"
            "3. 经营处方药、甲类非处方药的，配备至少 1 名执业药师；只经营乙类非处方药的，配备经考核合格的药学技术人员"
            "；\n"
            "4. 营业场所面积县城城区不少于 40 平方米、镇区及农村不少于 20 平方米，营业场所与生活区域有效隔离；\n"
            "5. 具有与经营范围相适应的陈列、冷藏、阴凉储存及温湿度监测设备；\n"
            "6. 建立符合《药品经营质量管理规范》要求的质量管理制度和计算机管理系统，能够实现药品追溯。"
        ),
        "procedure": (
            "1. 申请：通过“云溪政务服务网”或县政务服务中心二楼药品医疗器械窗口提交申请；\n"
            "2. 受理：窗口审查材料，材料齐全、符合法定形式的予以受理，不齐全的一次性告知补正；\n"
            "3. 审查：县市场监督管理局进行技术审查，并对照《药品经营质量管理规范》组织现场检查；\n"
            "4. 决定：符合条件的作出准予许可决定；不符合条件的书面说明理由，并告知申请复议或提起诉讼的权利；\n"
            "5. 送达：核发《药品经营许可证》（有效期 5 年），可窗口领取或免费邮寄。"
        ),
        "legal_limit": 20,
        "legal_limit_unit": "WORKING",
        "committed_limit": 12,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": True,
        "extension_days": 10,
        "default_class": "PROMISED",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": True,
        "courier": True,
        "online_payment": False,
        "place": "云溪县政务服务中心二楼 12 号窗口（药品医疗器械）",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6212315",
        "complaint_phone": "0799-6123400",
        "result_type": "CERTIFICATE",
        "result_name": "药品经营许可证",
        "fees": [],
        "materials": [
            {
                "name": "药品经营许可证申请表",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "按统一格式填写，经营范围、经营方式填写准确，加盖企业公章",
            },
            {
                "name": "营业执照",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "通过市场主体登记信息系统共享核验，申请人无需提交纸质件或复印件",
            },
            {
                "name": "执业药师注册证",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "通过执业药师注册管理信息系统核验，注册执业单位须为申请企业，申请人无需提交复印件",
            },
            {
                "name": "法定代表人、主要负责人、质量负责人身份证明及学历或职称证明",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "复印件清晰，附本人签署的无禁止从业情形承诺书",
            },
            {
                "name": "营业场所、仓库平面布置图及房屋使用证明",
                "original": "COPY",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "平面图标明面积和功能区划；房屋使用证明为不动产权证书或租赁合同，租赁期限不少于 1 年",
            },
            {
                "name": "质量管理制度文件目录及计算机系统说明",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": "制度覆盖采购、验收、陈列、销售、处方审核、不良反应报告等环节；可在现场检查前补交",
            },
            {
                "name": "主要设施设备目录",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": "列明冷藏柜、温湿度监测设备等名称、型号和数量；可在现场检查前补交",
            },
        ],
        "faq": [
            {
                "question": "执业药师可以同时在两家药店注册吗？",
                "answer": "不可以。执业药师只能在一个执业单位注册执业，审查时将核验其注册单位与申请企业是否一致。",
            },
            {
                "question": "药店在县内搬迁需要重新申请许可吗？",
                "answer": "在县内变更经营地址的，应申请许可事项变更，经现场检查符合要求后换发许可证，无需重新申请。",
            },
        ],
    },
    {
        "code": "YX-0005",
        "basic_code": "002012005000",
        "name": "城乡居民医保参保登记",
        "kind": "PUBLIC_SERVICE",
        "level": "COUNTY",
        "department": "YBJ",
        "implementing_organ": "云溪县医疗保障局",
        "joint_departments": [],
        "legal_basis": (
            "1.《中华人民共和国社会保险法》第二十五条：城乡居民基本医疗保险实行个人缴费和政府补贴相结合，低保对象、"
            "丧失劳动能力的残疾人等所需个人缴费部分由政府给予补贴。\n"
            "2.《国务院关于整合城乡居民基本医疗保险制度的意见》（国发〔2016〕3号）：统一覆盖范围、筹资政策、"
            "保障待遇、医保目录、定点管理和基金管理。\n"
            "3. 省医疗保障局关于城乡居民基本医疗保险年度参保缴费工作的通知。"
        ),
        "conditions": (
            "1. 具有本县户籍，或持有本县居住证的非本县户籍居民，或在本县各类学校就读的学生；\n"
            "2. 未参加职工基本医疗保险，且同一年度未在其他统筹地区参加基本医疗保险；\n"
            "3. 新生儿可由监护人为其办理参保登记，出生 90 日内参保缴费的，自出生之日起享受待遇。"
        ),
        "procedure": (
            "1. 申请：通过国家医保服务平台 App、“云溪政务服务网”或县政务服务中心三楼医保窗口、"
            "各镇便民服务中心提出参保登记；\n"
            "2. 受理：窗口或系统核验身份信息，比对全国医保信息平台参保状态；\n"
            "3. 审查：核对是否重复参保，低保、特困等困难群体身份通过部门数据共享自动标识；\n"
            "4. 决定：符合条件的即时完成参保登记；\n"
            "5. 送达：参保信息即时生效，申请人可通过税务缴费渠道缴纳个人缴费，并可在线查询参保状态。"
        ),
        "legal_limit": 0,
        "legal_limit_unit": "WORKING",
        "committed_limit": 0,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "IMMEDIATE",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": True,
        "courier": False,
        "online_payment": True,
        "place": "云溪县政务服务中心三楼 20 号窗口（医疗保障）；各镇便民服务中心医保窗口",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6218810",
        "complaint_phone": "0799-6123400",
        "result_type": "RECORD",
        "result_name": "城乡居民基本医疗保险参保登记",
        "fees": [],
        "materials": [
            {
                "name": "居民身份证或户口簿",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内；未成年人可提供户口簿，网上办理的通过实名认证核验",
            },
            {
                "name": "居住证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "非本县户籍人员提供，在有效期内",
            },
            {
                "name": "出生医学证明",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "新生儿尚未落户时提供，新生儿姓名、出生日期与申请信息一致",
            },
            {
                "name": "困难群体身份认定信息",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": (
                    "低保对象、特困人员、防止返贫监测对象等身份信息由民政、乡村振兴部门共享推送，申请人无需提交证明"
                ),
            },
        ],
        "faq": [
            {
                "question": "在外地读大学的学生在哪里参保？",
                "answer": (
                    "在校大学生原则上在学校所在地参加城乡居民医保，也可选择在户籍地参保，但同一年度不得重复参保。"
                ),
            },
            {
                "question": "缴费后什么时候开始享受待遇？",
                "answer": (
                    "在集中缴费期内缴费的，自次年 1 月 1 日起享受待遇；集中缴费期结束后缴费的，按省规定设置待遇等待期。"
                ),
            },
        ],
    },
    {
        "code": "YX-0006",
        "basic_code": "000512006000",
        "name": "门诊慢特病待遇认定",
        "kind": "CONFIRMATION",
        "level": "COUNTY",
        "department": "YBJ",
        "implementing_organ": "云溪县医疗保障局",
        "joint_departments": [],
        "legal_basis": (
            "1.《中华人民共和国社会保险法》第二十八条：符合基本医疗保险药品目录、诊疗项目、"
            "医疗服务设施标准的医疗费用，按照国家规定从基本医疗保险基金中支付。\n"
            "2.《国务院办公厅关于建立健全职工基本医疗保险门诊共济保障机制的指导意见》：将部分治疗周期长、"
            "对健康损害大、费用负担重的疾病门诊费用纳入统筹基金支付。\n"
            "3. 省医疗保障局关于门诊慢特病病种范围、认定标准和待遇保障的规定。"
        ),
        "conditions": (
            "1. 参加本县职工基本医疗保险或城乡居民基本医疗保险，且处于正常参保状态；\n"
            "2. 所患疾病属于本省公布的门诊慢特病病种，如高血压（Ⅱ、Ⅲ级）、糖尿病、慢性心力衰竭、慢性肾衰竭透析治疗、"
            "恶性肿瘤门诊治疗、器官移植术后抗排异治疗、重性精神障碍等；\n"
            "3. 具有二级及以上医疗机构出具的诊断证明，以及符合该病种认定标准的检查检验结果；\n"
            "4. 同一病种未在其他统筹地区办理认定。"
        ),
        "procedure": (
            "1. 申请：参保人通过县内定点医疗机构医保办、县政务服务中心三楼医保窗口或线上渠道提交认定申请；\n"
            "2. 受理：核对参保状态和材料完整性，符合要求的予以受理；\n"
            "3. 审查：县医疗保障局按病种认定标准审核，需专家评审的病种由县医疗保障局组织临床专家集中评审，"
            "专家评审时间不计入办理时限；\n"
            "4. 决定：符合标准的予以认定并确定待遇起始时间，不符合的告知原因；\n"
            "5. 送达：认定结果短信告知并登记至医保信息系统，参保人凭医保电子凭证或社会保障卡在定点医药机构直接结算。"
        ),
        "legal_limit": 20,
        "legal_limit_unit": "WORKING",
        "committed_limit": 10,
        "committed_limit_unit": "WORKING",
        "special_procedures": ["EXPERT_REVIEW"],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "PROMISED",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": True,
        "courier": False,
        "online_payment": False,
        "place": "云溪县政务服务中心三楼 21 号窗口（医疗保障）；县内二级及以上定点医疗机构医保办",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6218812",
        "complaint_phone": "0799-6123400",
        "result_type": "RECORD",
        "result_name": "门诊慢特病待遇资格认定",
        "fees": [],
        "materials": [
            {
                "name": "门诊慢特病待遇认定申请表",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "填写申请病种，参保人或其家属签字，可在线填报",
            },
            {
                "name": "医保电子凭证或社会保障卡",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "处于正常状态，信息与申请人一致",
            },
            {
                "name": "二级及以上医疗机构诊断证明",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "加盖医疗机构诊断专用章，诊断明确，出具日期在 1 年以内；恶性肿瘤以病理诊断为准",
            },
            {
                "name": "相关检查检验报告及病历资料",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": (
                    "与申请病种认定标准相对应，如糖尿病提供血糖或糖化血红蛋白检测结果；复印件清晰并与原件一致"
                ),
            },
            {
                "name": "出院记录",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": "曾因该病种住院治疗的提供；受理时暂缺的，可在专家评审前补交",
            },
        ],
        "faq": [
            {
                "question": "认定通过后多久可以享受待遇？",
                "answer": "自认定之日起享受门诊慢特病待遇，认定有效期按病种确定，到期前按规定复审。",
            },
            {
                "question": "必须到政务服务中心窗口申请吗？",
                "answer": (
                    "不必。可在县内定点医疗机构就诊时由医保办代为申报，也可通过线上渠道提交，全程无需到政务服务中心。"
                ),
            },
        ],
    },
    {
        "code": "YX-0007",
        "basic_code": "002012007000",
        "name": "异地就医备案",
        "kind": "PUBLIC_SERVICE",
        "level": "COUNTY",
        "department": "YBJ",
        "implementing_organ": "云溪县医疗保障局",
        "joint_departments": [],
        "legal_basis": (
            "1.《中华人民共和国社会保险法》第二十九条：社会保险行政部门和卫生行政部门应当建立异地就医医疗费用结算制度"
            "，方便参保人员享受基本医疗保险待遇。\n"
            "2.《国家医疗保障局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》："
            "明确异地就医备案人员范围、备案渠道和备案有效期。\n"
            "3.《基本医疗保险跨省异地就医直接结算经办规程》。"
        ),
        "conditions": (
            "1. 参加本县基本医疗保险且处于正常参保状态；\n"
            "2. 属于异地长期居住人员，包括异地安置退休人员、异地长期居住人员和常驻异地工作人员；\n"
            "3. 或属于临时外出就医人员，包括异地转诊就医人员、因工作或旅游等原因在异地急诊抢救的人员及其他临时外出就"
            "医人员；\n"
            "4. 备案的就医地已开通异地就医直接结算服务。"
        ),
        "procedure": (
            "1. 申请：通过国家医保服务平台 App、“云溪医保”微信公众号、医保窗口或咨询电话提交备案申请；\n"
            "2. 受理：系统即时校验参保状态；\n"
            "3. 审查：异地长期居住人员以个人承诺代替证明材料，转诊就医人员核验医疗机构推送的转诊信息；\n"
            "4. 决定：符合条件的即时完成备案；\n"
            "5. 送达：备案信息即时上传国家异地就医结算系统，参保人可在就医地定点医疗机构直接结算。"
        ),
        "legal_limit": 0,
        "legal_limit_unit": "WORKING",
        "committed_limit": 0,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "IMMEDIATE",
        "channels": ["ONLINE", "WINDOW"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": False,
        "courier": False,
        "online_payment": False,
        "place": "云溪县政务服务中心三楼 22 号窗口（医疗保障）",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6218815",
        "complaint_phone": "0799-6123400",
        "result_type": "RECORD",
        "result_name": "异地就医备案",
        "fees": [],
        "materials": [
            {
                "name": "医保电子凭证、社会保障卡或居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "任选其一，证件在有效期内",
            },
            {
                "name": "异地就医备案个人承诺书",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "异地长期居住人员提供，可在线签署，承诺内容与备案类型一致",
            },
            {
                "name": "转诊证明",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "异地转诊就医人员提供，由本县二级及以上定点医疗机构出具，医疗机构已线上推送的无需提交",
            },
        ],
        "faq": [
            {
                "question": "备案有效期多长？",
                "answer": (
                    "异地长期居住人员备案长期有效，备案满 6 个月后可申请变更或取消；临时外出就医人员备案有效期不少于 "
                    "6 个月，有效期内可多次就医。"
                ),
            },
            {
                "question": "办理长期备案后，回云溪县看病还能报销吗？",
                "answer": "备案有效期内回参保地就医的，可按规定享受参保地医保结算服务，具体待遇以当年度政策为准。",
            },
        ],
    },
    {
        "code": "YX-0008",
        "basic_code": "000312008000",
        "name": "医疗救助申请",
        "kind": "BENEFIT",
        "level": "COUNTY",
        "department": "YBJ",
        "implementing_organ": "云溪县医疗保障局",
        "joint_departments": ["MZJ"],
        "legal_basis": (
            "1.《社会救助暂行办法》第二十八条：最低生活保障家庭成员、特困供养人员以及县级以上人民政府规定的其他特殊困"
            "难人员，可以申请相关医疗救助。\n"
            "2.《社会救助暂行办法》第三十条：申请医疗救助的，向乡镇人民政府提出，经审核、公示后由县级主管部门审批。\n"
            "3.《国务院办公厅关于健全重特大疾病医疗保险和救助制度的意见》（国办发〔2021〕42号）："
            "明确医疗救助对象范围、救助费用范围和年度救助限额。"
        ),
        "conditions": (
            "1. 具有本县户籍，或在本县参加基本医疗保险；\n"
            "2. 属于特困人员、低保对象、低保边缘家庭成员、纳入监测范围的农村易返贫致贫人口，"
            "或经认定的因病致贫重病患者；\n"
            "3. 在定点医疗机构发生的医疗费用，经基本医疗保险、大病保险等报销后，政策范围内个人自付费用仍较高；\n"
            "4. 申请救助的费用发生在申请之日前 12 个月以内，且同一笔费用未通过“一站式”结算享受过医疗救助。"
        ),
        "procedure": (
            "1. 申请：申请人或其委托人向户籍所在地镇便民服务中心或县政务服务中心三楼医疗救助窗口提交书面申请；\n"
            "2. 受理：窗口审查材料，符合要求的出具受理回执；\n"
            "3. 审查：镇人民政府初审并在申请人所在村（社区）公示 3 日，县医疗保障局会同县民政局核对救助对象身份和费用"
            "信息；\n"
            "4. 决定：县医疗保障局按救助比例和年度限额核定救助金额，作出救助决定；\n"
            "5. 送达：救助资金发放至申请人社会保障卡银行账户，并短信告知救助结果。"
        ),
        "legal_limit": 20,
        "legal_limit_unit": "WORKING",
        "committed_limit": 10,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "PROMISED",
        "channels": ["WINDOW"],
        "required_visits": 1,
        "visits_reason": "需提交医疗费用票据原件并签署救助申请，原件核验后退还",
        "appointment": True,
        "courier": False,
        "online_payment": False,
        "place": "云溪县政务服务中心三楼 23 号窗口（医疗救助）；各镇便民服务中心社会事务窗口",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6218818",
        "complaint_phone": "0799-6123400",
        "result_type": "OTHER",
        "result_name": "医疗救助金",
        "fees": [],
        "materials": [
            {
                "name": "医疗救助申请书",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "写明患病情况、费用情况和申请理由，申请人签字或捺印",
            },
            {
                "name": "申请人居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内",
            },
            {
                "name": "医疗费用票据及费用明细清单",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "为医疗机构出具的收费票据或电子票据，已完成基本医保、大病保险结算，金额与清单一致",
            },
            {
                "name": "出院小结或诊断证明",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": "加盖医疗机构印章；受理时暂缺的，可在公示结束前补交",
            },
            {
                "name": "救助对象身份信息",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "低保、特困、低保边缘等身份由县民政局通过社会救助信息系统共享核验，申请人无需开具证明",
            },
            {
                "name": "社会保障卡或本人银行账户",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "户名为申请人本人，账户状态正常",
            },
        ],
        "faq": [
            {
                "question": "低保对象住院后还需要单独申请医疗救助吗？",
                "answer": (
                    "在县内定点医疗机构住院的，出院时医疗救助与基本医保、大病保险“一站式”同步结算，无需另行申请；"
                    "在县外就医未能即时结算的，再按本事项申请。"
                ),
            },
        ],
    },
    {
        "code": "YX-0009",
        "basic_code": "002013009000",
        "name": "残疾人证申领",
        "kind": "PUBLIC_SERVICE",
        "level": "COUNTY",
        "department": "CLH",
        "implementing_organ": "云溪县残疾人联合会",
        "joint_departments": ["WJW"],
        "legal_basis": (
            "1.《中华人民共和国残疾人保障法》第二条：残疾人是指在心理、生理、人体结构上，某种组织、"
            "功能丧失或者不正常，全部或者部分丧失以正常方式从事某种活动能力的人。\n"
            "2.《中华人民共和国残疾人证管理办法》：残疾人证是认定残疾人及其残疾类别、等级的合法证件，"
            "由县级残疾人联合会受理申请、组织评定并核发。\n"
            "3.《残疾人残疾分类和分级》（GB/T 26341—2010）：规定残疾评定的类别和等级标准。"
        ),
        "conditions": (
            "1. 具有本县常住户口；\n"
            "2. 存在视力、听力、言语、肢体、智力、精神残疾或多重残疾，残疾状况符合《残疾人残疾分类和分级》标准；\n"
            "3. 病情相对稳定，因伤病致残的一般已过医疗期（伤病后 6 个月以上）；\n"
            "4. 由本人提出申请；申请人为未成年人或无民事行为能力人的，由法定监护人代为申请。"
        ),
        "procedure": (
            "1. 申请：申请人持相关材料到县政务服务中心三楼残疾人服务窗口，或通过线上渠道提交申请；\n"
            "2. 受理：窗口审查材料，符合要求的开具残疾评定通知单，告知评定医疗机构和评定时间；\n"
            "3. 审查：申请人到县卫生健康委员会指定的评定医疗机构进行残疾评定，评定时间不计入办理时限，"
            "县残联对评定结果进行审核；\n"
            "4. 决定：符合标准的核发残疾人证，不符合的书面告知原因及复评途径；\n"
            "5. 送达：制证完成后通知本人或监护人领取，也可选择邮寄送达。"
        ),
        "legal_limit": 20,
        "legal_limit_unit": "WORKING",
        "committed_limit": 10,
        "committed_limit_unit": "WORKING",
        "special_procedures": ["APPRAISAL"],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "PROMISED",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 1,
        "visits_reason": "需本人到指定医疗机构接受残疾评定；卧床的重度残疾人可申请评定医生上门评定",
        "appointment": True,
        "courier": True,
        "online_payment": False,
        "place": "云溪县政务服务中心三楼 32 号窗口（残疾人服务）",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6217780",
        "complaint_phone": "0799-6123400",
        "result_type": "CARD",
        "result_name": "中华人民共和国残疾人证（第二代）",
        "fees": [],
        "materials": [
            {
                "name": "残疾人证申请表",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "申请人或监护人签字，残疾类别勾选与申请情况一致",
            },
            {
                "name": "居民身份证或户口簿",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内，户籍地址为本县",
            },
            {
                "name": "近期 2 寸免冠彩色照片",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 3,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "白色背景，近 6 个月内拍摄；窗口提供免费现场拍照的可不提交",
            },
            {
                "name": "病历、诊断证明等医疗资料",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": "精神、智力残疾申请人提供近期专科病历；受理时暂缺的，可在评定时向评定医生出示",
            },
            {
                "name": "监护人身份证及监护关系证明",
                "original": "ORIGINAL_AND_COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "申请人为未成年人或无民事行为能力人时提供，监护关系证明可为户口簿或法院指定监护的文书",
            },
        ],
        "faq": [
            {
                "question": "办理残疾人证收费吗？",
                "answer": "不收费。残疾人证申领、制证均免费，残疾评定费用由县残联按规定承担。",
            },
            {
                "question": "行动不便无法到医院评定怎么办？",
                "answer": "卧床或行动极为不便的申请人，可向县残联申请上门评定，由评定医生在约定时间入户开展评定。",
            },
        ],
    },
    {
        "code": "YX-0010",
        "basic_code": "000314010000",
        "name": "残疾人两项补贴申领",
        "kind": "BENEFIT",
        "level": "COUNTY",
        "department": "MZJ",
        "implementing_organ": "云溪县民政局",
        "joint_departments": ["CLH", "TOWN"],
        "legal_basis": (
            "1.《中华人民共和国残疾人保障法》第四十八条：各级人民政府对生活确有困难的残疾人给予社会救助，"
            "对生活不能自理的残疾人根据情况给予护理补贴。\n"
            "2.《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）："
            "明确两项补贴的对象范围、补贴标准、申请审核程序和动态管理要求。"
        ),
        "conditions": (
            "1. 具有本县户籍，并持有第二代中华人民共和国残疾人证；\n"
            "2. 申请困难残疾人生活补贴的，为最低生活保障家庭中的残疾人；\n"
            "3. 申请重度残疾人护理补贴的，残疾等级为一级、二级且需要长期照护，或为三级、四级智力、精神残疾人；\n"
            "4. 未享受工伤保险生活护理费、特困人员照料护理费等与护理补贴性质相同的待遇。"
        ),
        "procedure": (
            "1. 申请：申请人或其委托人向户籍所在地镇便民服务中心或县政务服务中心三楼民政窗口提交申请；\n"
            "2. 受理：窗口核验身份和残疾人证信息，出具受理回执；\n"
            "3. 审查：镇人民政府对申请人家庭和残疾状况进行初审，县残联复核残疾类别和等级；\n"
            "4. 决定：县民政局根据初审、复核意见审定，并确定补贴类别和标准；\n"
            "5. 送达：补贴自审定的次月起按月发放至本人社会保障卡银行账户，审核结果短信告知。"
        ),
        "legal_limit": 20,
        "legal_limit_unit": "WORKING",
        "committed_limit": 15,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "PROMISED",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": True,
        "courier": False,
        "online_payment": False,
        "place": "云溪县政务服务中心三楼 30 号窗口（民政）；各镇便民服务中心社会事务窗口",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6216670",
        "complaint_phone": "0799-6123400",
        "result_type": "OTHER",
        "result_name": "困难残疾人生活补贴、重度残疾人护理补贴",
        "fees": [],
        "materials": [
            {
                "name": "残疾人两项补贴申请审批表",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "勾选申请的补贴类别，申请人或监护人签字",
            },
            {
                "name": "申请人居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内",
            },
            {
                "name": "残疾人证信息",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "通过全国残疾人人口基础数据库共享核验残疾类别和等级，无需提交残疾人证复印件",
            },
            {
                "name": "最低生活保障家庭身份信息",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "申请生活补贴时，通过社会救助信息系统共享核验，无需开具证明",
            },
            {
                "name": "社会保障卡或本人银行账户",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "户名为残疾人本人，账户状态正常",
            },
            {
                "name": "委托代办书及代理人身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "委托他人代办时提供，委托书由申请人或监护人签字",
            },
        ],
        "faq": [
            {
                "question": "两项补贴可以同时享受吗？",
                "answer": (
                    "可以。低保家庭中的一级、二级重度残疾人，同时符合两项补贴条件的，可以同时申领生活补贴和护理补贴。"
                ),
            },
            {
                "question": "残疾等级变化后补贴会调整吗？",
                "answer": (
                    "会。残疾人证等级变更后，县民政局根据共享的残疾信息调整补贴标准，不再符合条件的自次月起停发。"
                ),
            },
        ],
    },
    {
        "code": "YX-0011",
        "basic_code": "000314011000",
        "name": "孤儿基本生活保障",
        "kind": "BENEFIT",
        "level": "COUNTY",
        "department": "MZJ",
        "implementing_organ": "云溪县民政局",
        "joint_departments": [],
        "legal_basis": (
            "1.《中华人民共和国未成年人保护法》：国家对孤儿、无法查明父母或者其他监护人的未成年人等实施保障。\n"
            "2.《国务院办公厅关于加强孤儿保障工作的意见》（国办发〔2010〕54号）：建立孤儿基本生活保障制度，"
            "按照不低于当地平均生活水平的原则确定孤儿基本生活最低养育标准。\n"
            "3. 民政部、财政部关于发放孤儿基本生活费的有关规定。"
        ),
        "conditions": (
            "1. 未满 18 周岁，具有本县户籍；\n"
            "2. 父母双方均已死亡，或被人民法院宣告死亡、宣告失踪；\n"
            "3. 由亲属抚养、家庭寄养等方式社会散居抚养，或在儿童福利机构集中养育；\n"
            "4. 未被他人依法收养。"
        ),
        "procedure": (
            "1. 申请：孤儿的监护人向孤儿户籍所在地镇便民服务中心或县政务服务中心三楼儿童福利窗口提出申请；\n"
            "2. 受理：窗口审查材料，符合要求的出具受理回执；\n"
            "3. 审查：镇人民政府入户核实孤儿身份和抚养状况，在村（社区）公示 7 日后报县民政局；\n"
            "4. 决定：县民政局审核批准，确定保障对象和发放标准；\n"
            "5. 送达：基本生活费按月发放至孤儿本人银行账户（由监护人代管），审批结果书面告知监护人。"
        ),
        "legal_limit": 30,
        "legal_limit_unit": "WORKING",
        "committed_limit": 20,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "PROMISED",
        "channels": ["WINDOW"],
        "required_visits": 1,
        "visits_reason": "监护人需到窗口签署申请表并核验监护关系",
        "appointment": True,
        "courier": False,
        "online_payment": False,
        "place": "云溪县政务服务中心三楼 31 号窗口（儿童福利）；各镇便民服务中心社会事务窗口",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6216672",
        "complaint_phone": "0799-6123400",
        "result_type": "OTHER",
        "result_name": "孤儿基本生活费",
        "fees": [],
        "materials": [
            {
                "name": "孤儿基本生活保障申请审批表",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "监护人签字，孤儿基本信息填写完整",
            },
            {
                "name": "孤儿户口簿或居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "户籍地址为本县",
            },
            {
                "name": "父母户籍注销（死亡）信息",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "通过公安人口信息系统共享核验父母死亡注销信息，申请人无需开具证明",
            },
            {
                "name": "人民法院宣告死亡或宣告失踪的判决书",
                "original": "ORIGINAL_AND_COPY",
                "form": "PAPER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "父母被宣告死亡或宣告失踪的提供，判决已生效",
            },
            {
                "name": "监护人居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内",
            },
            {
                "name": "监护关系证明",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "由村（居）民委员会出具，或为人民法院指定监护的法律文书",
            },
        ],
        "faq": [
            {
                "question": "孤儿被亲属收养后还能领取基本生活费吗？",
                "answer": "依法办理收养登记后，孤儿不再属于本事项保障对象，自收养登记的次月起停发基本生活费。",
            },
        ],
    },
    {
        "code": "YX-0012",
        "basic_code": "002016012000",
        "name": "生育登记",
        "kind": "PUBLIC_SERVICE",
        "level": "COUNTY",
        "department": "WJW",
        "implementing_organ": "云溪县卫生健康委员会",
        "joint_departments": [],
        "legal_basis": (
            "1.《中华人民共和国人口与计划生育法》：国家提倡适龄婚育、优生优育，一对夫妻可以生育三个子女。\n"
            "2.《中共中央 国务院关于优化生育政策促进人口长期均衡发展的决定》：实施生育登记服务制度，简化登记流程，"
            "推进网上办理。\n"
            "3. 省卫生健康委员会关于生育登记服务管理的有关规定。"
        ),
        "conditions": (
            "1. 夫妻双方或一方为本县户籍，或一方持有本县居住证；\n"
            "2. 已怀孕或已生育子女，生育第一个、第二个或第三个子女的均可登记；\n"
            "3. 由夫妻一方在怀孕后至子女出生后 1 年内申请登记。"
        ),
        "procedure": (
            "1. 申请：夫妻一方通过“云溪政务服务网”、微信公众号，或户籍地、现居住地镇便民服务中心、"
            "县政务服务中心卫生健康窗口申请；\n"
            "2. 受理：系统或窗口即时核验身份和婚姻信息；\n"
            "3. 审查：核对填报的已生育子女情况；\n"
            "4. 决定：信息完整准确的即时完成登记；\n"
            "5. 送达：生成电子生育登记服务单，可在线下载打印，作为享受孕产期保健等服务的凭证。"
        ),
        "legal_limit": 0,
        "legal_limit_unit": "WORKING",
        "committed_limit": 0,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "IMMEDIATE",
        "channels": ["ONLINE", "WINDOW"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": False,
        "courier": False,
        "online_payment": False,
        "place": "云溪县政务服务中心二楼 15 号窗口（卫生健康）；各镇便民服务中心",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6215522",
        "complaint_phone": "0799-6123400",
        "result_type": "RECORD",
        "result_name": "生育登记服务单（电子）",
        "fees": [],
        "materials": [
            {
                "name": "夫妻双方居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内；网上办理的通过实名认证核验",
            },
            {
                "name": "结婚证信息",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "通过婚姻登记信息共享核验，申请人无需提交纸质结婚证",
            },
            {
                "name": "生育登记信息表",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "如实填写已生育子女数量和本次怀孕情况，可在线填写",
            },
        ],
        "faq": [
            {
                "question": "生育登记需要夫妻双方到场吗？",
                "answer": "不需要。由夫妻任意一方在线或到窗口申请即可，全程无需提交纸质证明。",
            },
            {
                "question": "没有办理生育登记会影响孩子落户吗？",
                "answer": "不影响。生育登记是服务性登记，新生儿落户凭出生医学证明等材料办理。",
            },
        ],
    },
    {
        "code": "YX-0013",
        "basic_code": "000316013000",
        "name": "计划生育家庭特别扶助金申领",
        "kind": "BENEFIT",
        "level": "COUNTY",
        "department": "WJW",
        "implementing_organ": "云溪县卫生健康委员会",
        "joint_departments": ["TOWN"],
        "legal_basis": (
            "1.《中华人民共和国人口与计划生育法》：获得《独生子女父母光荣证》的夫妻，独生子女发生意外伤残、死亡的，"
            "按照规定获得扶助。\n"
            "2. 国家关于建立计划生育家庭特别扶助制度的有关规定：对独生子女伤残、死亡家庭按人按月发放特别扶助金，"
            "扶助标准实行动态调整。\n"
            "3. 省人口与计划生育条例关于计划生育特殊家庭扶助的规定。"
        ),
        "conditions": (
            "1. 夫妻双方或一方为本县户籍；\n"
            "2. 1933 年 1 月 1 日以后出生，女方年满 49 周岁；\n"
            "3. 只生育一个子女或合法收养一个子女；\n"
            "4. 现无存活子女，或独生子女被依法认定为残疾（伤病残达到三级以上）；\n"
            "5. 现无存活子女的，目前未再生育或合法收养子女。"
        ),
        "procedure": (
            "1. 申请：符合条件的夫妻向户籍所在地村（社区）便民服务站或镇便民服务中心提出申请；\n"
            "2. 受理：镇便民服务中心核对材料后受理；\n"
            "3. 审查：村（社区）初审并公示 7 日，镇人民政府审核后报县卫生健康委员会；\n"
            "4. 决定：县卫生健康委员会审批确认，并在村（社区）公布结果；\n"
            "5. 送达：特别扶助金通过代理金融机构按月发放至本人社会保障卡账户。"
        ),
        "legal_limit": 30,
        "legal_limit_unit": "WORKING",
        "committed_limit": 20,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "PROMISED",
        "channels": ["WINDOW"],
        "required_visits": 1,
        "visits_reason": "需本人到场签署申请表并核对生育情况",
        "appointment": True,
        "courier": False,
        "online_payment": False,
        "place": "云溪县政务服务中心二楼 16 号窗口（卫生健康）；各镇便民服务中心",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6215526",
        "complaint_phone": "0799-6123400",
        "result_type": "OTHER",
        "result_name": "计划生育家庭特别扶助金",
        "fees": [],
        "materials": [
            {
                "name": "计划生育家庭特别扶助申请表",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "夫妻双方签字，生育情况如实填写",
            },
            {
                "name": "夫妻双方居民身份证及户口簿",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内",
            },
            {
                "name": "独生子女死亡信息",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "子女死亡的，通过公安户籍注销信息或医学死亡证明信息共享核验，无需申请人开具证明",
            },
            {
                "name": "独生子女残疾人证",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "子女伤残的提供，残疾等级为三级以上；已录入残疾人人口基础数据库的可免于提交",
            },
            {
                "name": "社会保障卡",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "户名为申请人本人，账户状态正常",
            },
        ],
        "faq": [
            {
                "question": "特别扶助金需要每年重新申请吗？",
                "answer": "不需要。纳入扶助后每年开展一次资格确认，由村（社区）协助核实，资格变化的及时停发或调整。",
            },
        ],
    },
    {
        "code": "YX-0014",
        "basic_code": "000117014000",
        "name": "犬只登记",
        "kind": "LICENSE",
        "level": "COUNTY",
        "department": "GAJ",
        "implementing_organ": "云溪县公安局",
        "joint_departments": [],
        "legal_basis": (
            "1.《中华人民共和国动物防疫法》第三十条：单位和个人饲养犬只，应当按照规定定期免疫接种狂犬病疫苗，"
            "凭动物诊疗机构出具的免疫证明向所在地养犬登记机关申请登记。\n"
            "2.《云溪县养犬管理办法》（县级规范性文件）：县城规划区内饲养犬只实行登记管理，禁止饲养烈性犬。"
        ),
        "conditions": (
            "1. 养犬人具有完全民事行为能力，在县城规划区内有固定住所；\n"
            "2. 每户限养 1 只犬，所养犬只不属于县公安局公布的禁养犬名录；\n"
            "3. 犬只已满 3 月龄，已在动物诊疗机构接种狂犬病疫苗并在免疫有效期内；\n"
            "4. 犬只已植入电子标识（芯片）。"
        ),
        "procedure": (
            "1. 申请：养犬人通过“云溪警民通”或县政务服务中心一楼养犬登记窗口提交申请；\n"
            "2. 受理：窗口核验养犬人身份和住所信息，符合要求的予以受理；\n"
            "3. 审查：核对犬只品种、免疫证明和电子标识信息；\n"
            "4. 决定：符合条件的核发养犬登记证，不符合的说明理由；\n"
            "5. 送达：养犬登记证和犬牌窗口领取，线上申请的可邮寄送达。"
        ),
        "legal_limit": 5,
        "legal_limit_unit": "WORKING",
        "committed_limit": 3,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "PROMISED",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": True,
        "courier": True,
        "online_payment": True,
        "place": "云溪县政务服务中心一楼 5 号窗口（养犬登记）",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6210245",
        "complaint_phone": "0799-6123400",
        "result_type": "CERTIFICATE",
        "result_name": "养犬登记证及犬牌",
        "fees": [
            {
                "name": "犬牌工本费",
                "amount": "10.00",
                "basis": "《云溪县养犬管理办法》及县发展和改革局核定的收费标准",
                "waivable": True,
            },
        ],
        "materials": [
            {
                "name": "养犬登记申请表",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "养犬人签字，犬只信息填写完整",
            },
            {
                "name": "养犬人居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内",
            },
            {
                "name": "住所证明",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "不动产权证书、房屋租赁合同或居住证之一，住所地址在县城规划区内",
            },
            {
                "name": "狂犬病免疫证明",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "由动物诊疗机构出具，注明免疫日期和疫苗批号，在免疫有效期内",
            },
            {
                "name": "犬只近期彩色照片",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "正面、侧面各 1 张，能清晰显示犬只毛色和体貌特征",
            },
        ],
        "faq": [
            {
                "question": "养犬登记证有效期多长？",
                "answer": "养犬登记证有效期 1 年，到期前 30 日内凭新的狂犬病免疫证明办理年检。",
            },
            {
                "question": "导盲犬需要缴纳犬牌工本费吗？",
                "answer": "视力残疾人饲养导盲犬、肢体残疾人饲养扶助犬的，免收犬牌工本费。",
            },
        ],
    },
    {
        "code": "YX-0015",
        "basic_code": "000517015000",
        "name": "居民身份证换领",
        "kind": "CONFIRMATION",
        "level": "COUNTY",
        "department": "GAJ",
        "implementing_organ": "云溪县公安局",
        "joint_departments": [],
        "legal_basis": (
            "1.《中华人民共和国居民身份证法》第十一条：居民身份证有效期满、公民姓名变更或者证件严重损坏不能辨认的，"
            "应当换领新证；登记项目出现错误的，公安机关应当及时更正，换发新证。\n"
            "2.《中华人民共和国居民身份证法》第十二条：公安机关应当自公民提交《居民身份证申领登记表》"
            "之日起 60 日内发放居民身份证，交通不便的地区可以适当延长，但延长时间不得超过 30 日。\n"
            "3. 国家和省价格主管部门关于居民身份证工本费收费标准的规定。"
        ),
        "conditions": (
            "1. 具有本县常住户口的中国公民，或在本县申请异地换领的中国公民；\n"
            "2. 居民身份证有效期满（可在有效期满前 3 个月内申请）、姓名变更、证件严重损坏不能辨认，"
            "或登记项目错误需更正；\n"
            "3. 本人到场采集人像信息，年满 16 周岁的同时采集指纹信息。"
        ),
        "procedure": (
            "1. 申请：本人到县政务服务中心一楼户政窗口或户籍所在地派出所户籍窗口申请，可通过“云溪警民通”预约；\n"
            "2. 受理：窗口核验户籍信息，现场采集人像、指纹，申请人核对《居民身份证申领登记表》并签字；\n"
            "3. 审查：县公安局对申领信息进行审核；\n"
            "4. 决定：审核通过后上报制证；\n"
            "5. 送达：制证完成后短信通知到受理窗口领取，或选择邮政专递送达；领取新证时交回原证。"
        ),
        "legal_limit": 60,
        "legal_limit_unit": "NATURAL",
        "committed_limit": 15,
        "committed_limit_unit": "NATURAL",
        "special_procedures": [],
        "extension_allowed": True,
        "extension_days": 30,
        "default_class": "PROMISED",
        "channels": ["WINDOW"],
        "required_visits": 1,
        "visits_reason": "需本人到场采集人像和指纹信息",
        "appointment": True,
        "courier": True,
        "online_payment": True,
        "place": "云溪县政务服务中心一楼 1—3 号窗口（户政）；各派出所户籍窗口",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6210236",
        "complaint_phone": "0799-6123400",
        "result_type": "CARD",
        "result_name": "中华人民共和国居民身份证",
        "fees": [
            {
                "name": "居民身份证工本费",
                "amount": "20.00",
                "basis": "《居民身份证工本费收费标准》相关文件：换领、补领居民身份证每证 20 元",
                "waivable": False,
            },
            {
                "name": "临时居民身份证工本费",
                "amount": "10.00",
                "basis": "临时居民身份证工本费收费标准相关文件：申领临时居民身份证时收取",
                "waivable": False,
            },
        ],
        "materials": [
            {
                "name": "原居民身份证",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "领取新证时交回；证件严重损坏的，交回残存证件",
            },
            {
                "name": "居民户口簿",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "户籍信息由公安人口信息系统直接调取，在户籍地办理的无需提交户口簿",
            },
            {
                "name": "姓名变更或登记项目更正证明",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "因姓名变更、登记项目错误换领的提供；户籍信息已完成变更的无需提供",
            },
        ],
        "faq": [
            {
                "question": "身份证快到期了，可以提前换领吗？",
                "answer": "可以在有效期满前 3 个月内申请换领，有效期满后也应及时换领。",
            },
            {
                "question": "在外地工作，能否就近换领？",
                "answer": "可以。居民身份证换领已实现异地办理，可到就近公安机关户籍窗口申请，收费标准相同。",
            },
        ],
    },
    {
        "code": "YX-0016",
        "basic_code": "000517016000",
        "name": "户口迁移",
        "kind": "CONFIRMATION",
        "level": "COUNTY",
        "department": "GAJ",
        "implementing_organ": "云溪县公安局",
        "joint_departments": [],
        "legal_basis": (
            "1.《中华人民共和国户口登记条例》第十三条：公民迁移，从到达迁入地的时候起，城市在 3 日以内、"
            "农村在 10 日以内，由本人或户主向户口登记机关申报迁入登记。\n"
            "2.《国务院关于进一步推进户籍制度改革的意见》（国发〔2014〕25号）：全面放开建制镇和小城市落户限制。\n"
            "3. 公安部关于户口迁移“跨省通办”的有关规定：推行户口迁移“一站式”办理，群众只需在迁入地提出申请。"
        ),
        "conditions": (
            "1. 迁入本县城区或各镇的，在迁入地有合法稳定住所（含租赁），或有合法稳定就业，或投靠配偶、父母、子女；\n"
            "2. 大中专院校学生毕业后，可将户口迁回原籍或迁入本县就业地；\n"
            "3. 申请人在迁出地户籍状态正常，无重复户口；\n"
            "4. 未成年子女随父母一方迁移的，取得另一方监护人同意，或有法律文书确定的抚养关系。"
        ),
        "procedure": (
            "1. 申请：向县政务服务中心一楼户口迁移窗口或迁入地派出所提出迁入申请，跨省迁移的实行“一站式”办理，"
            "无需回迁出地开具准予迁入证明和迁移证；\n"
            "2. 受理：窗口核验身份和迁入事由材料，符合条件的予以受理；\n"
            "3. 审查：迁入地公安机关审核，并通过人口信息系统向迁出地公安机关发起迁出核验；\n"
            "4. 决定：审核通过的办理迁入登记；\n"
            "5. 送达：签发新户口簿或在户口簿上增页登记，需换领居民身份证的一并受理。"
        ),
        "legal_limit": 20,
        "legal_limit_unit": "WORKING",
        "committed_limit": 5,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "PROMISED",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 1,
        "visits_reason": "需本人到场核验身份并领取户口簿",
        "appointment": True,
        "courier": False,
        "online_payment": False,
        "place": "云溪县政务服务中心一楼 4 号窗口（户口迁移）；各派出所户籍窗口",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6210238",
        "complaint_phone": "0799-6123400",
        "result_type": "RECORD",
        "result_name": "户口迁入登记",
        "fees": [
            {
                "name": "居民身份证工本费（迁移后需换领居民身份证的）",
                "amount": "20.00",
                "basis": "《居民身份证工本费收费标准》相关文件；户口迁移登记本身不收费",
                "waivable": False,
            },
        ],
        "materials": [
            {
                "name": "户口迁移申请表",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "申请人签字，迁移事由和迁入地址填写准确",
            },
            {
                "name": "申请人居民身份证及户口簿",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内",
            },
            {
                "name": "合法稳定住所证明",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "以住所落户的提供不动产权证书或经备案的房屋租赁合同；不动产登记信息可由窗口共享核验",
            },
            {
                "name": "亲属关系证明",
                "original": "ORIGINAL_AND_COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "投靠落户的提供结婚证、出生医学证明等能证明亲属关系的材料",
            },
            {
                "name": "迁出地户籍信息",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "由公安人口信息系统跨区域核验，申请人无需回迁出地开具证明",
            },
        ],
        "faq": [
            {
                "question": "跨省迁户口需要两地跑吗？",
                "answer": (
                    "不需要。跨省户口迁移实行“一站式”办理，申请人只需在云溪县迁入地提出申请，"
                    "迁出手续由公安机关内部流转办理。"
                ),
            },
        ],
    },
    {
        "code": "YX-0017",
        "basic_code": "002017017000",
        "name": "居住证办理",
        "kind": "PUBLIC_SERVICE",
        "level": "COUNTY",
        "department": "GAJ",
        "implementing_organ": "云溪县公安局",
        "joint_departments": [],
        "legal_basis": (
            "1.《居住证暂行条例》第二条：公民离开常住户口所在地，到其他城市居住半年以上，符合有合法稳定就业、"
            "合法稳定住所、连续就读条件之一的，可以申领居住证。\n"
            "2.《居住证暂行条例》关于居住证制作发放时限和工本费的规定：首次申领免收工本费，换领、补领的缴纳工本费。\n"
            "3. 省居住证制度实施办法的相关规定。"
        ),
        "conditions": (
            "1. 非本县户籍，在本县居住已满半年并已办理居住登记；\n"
            "2. 在本县有合法稳定就业，或有合法稳定住所，或在本县学校连续就读；\n"
            "3. 未满 16 周岁的未成年人和行动不便的老年人、残疾人，可由其监护人、近亲属代为申领。"
        ),
        "procedure": (
            "1. 申请：向居住地派出所或县政务服务中心一楼户政窗口申请，也可通过“云溪警民通”预申请；\n"
            "2. 受理：窗口核验身份证件和居住登记信息，采集人像信息；\n"
            "3. 审查：核对就业、住所或就读证明材料；\n"
            "4. 决定：符合条件的制作居住证，不符合的说明理由；\n"
            "5. 送达：制证完成后短信通知领取；居住证每年签注一次，可线上办理签注。"
        ),
        "legal_limit": 15,
        "legal_limit_unit": "NATURAL",
        "committed_limit": 10,
        "committed_limit_unit": "NATURAL",
        "special_procedures": [],
        "extension_allowed": True,
        "extension_days": 15,
        "default_class": "PROMISED",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 1,
        "visits_reason": "首次申领需本人到场采集人像信息",
        "appointment": True,
        "courier": False,
        "online_payment": True,
        "place": "云溪县政务服务中心一楼 2 号窗口（户政）；各派出所户籍窗口",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6210236",
        "complaint_phone": "0799-6123400",
        "result_type": "CARD",
        "result_name": "居住证",
        "fees": [
            {
                "name": "居住证换领、补领工本费",
                "amount": "20.00",
                "basis": "《居住证暂行条例》关于工本费的规定及省价格主管部门核定标准；首次申领免收",
                "waivable": True,
            },
        ],
        "materials": [
            {
                "name": "居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内",
            },
            {
                "name": "居住登记信息",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "由公安机关流动人口信息系统调取，居住登记已满半年，申请人无需提交证明",
            },
            {
                "name": "合法稳定就业证明",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "劳动合同、营业执照或用人单位出具的就业证明之一；与住所证明、就读证明至少提供一项",
            },
            {
                "name": "合法稳定住所证明",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "不动产权证书、房屋租赁合同或单位宿舍证明之一，地址在本县",
            },
            {
                "name": "连续就读证明",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "由就读学校出具并加盖学校公章",
            },
        ],
        "faq": [
            {
                "question": "居住证有什么用？",
                "answer": (
                    "持证人可在本县享受义务教育、基本公共就业服务、基本公共卫生服务等基本公共服务，"
                    "并可在本县办理出入境证件等事项。"
                ),
            },
        ],
    },
    {
        "code": "YX-0018",
        "basic_code": "002018018000",
        "name": "灵活就业人员社保登记",
        "kind": "PUBLIC_SERVICE",
        "level": "COUNTY",
        "department": "RSJ",
        "implementing_organ": "云溪县人力资源和社会保障局",
        "joint_departments": ["YBJ"],
        "legal_basis": (
            "1.《中华人民共和国社会保险法》第十条：无雇工的个体工商户、未在用人单位参加基本养老保险的非全日制从业人员"
            "以及其他灵活就业人员可以参加基本养老保险，由个人缴纳基本养老保险费。\n"
            "2.《中华人民共和国社会保险法》第二十三条：灵活就业人员可以参加职工基本医疗保险，"
            "由个人按照国家规定缴纳基本医疗保险费。\n"
            "3. 省人力资源和社会保障厅关于灵活就业人员参加职工基本养老保险的有关规定。"
        ),
        "conditions": (
            "1. 年满 16 周岁、未达到法定退休年龄，且不属于在校学生；\n"
            "2. 属于无雇工的个体工商户、未在用人单位参加职工基本养老保险的非全日制从业人员，"
            "或以新就业形态就业的人员；\n"
            "3. 在本县就业（就业地参保不受户籍限制），且未在其他统筹地区参加职工基本养老保险。"
        ),
        "procedure": (
            "1. 申请：通过县政务服务中心三楼社会保险窗口、“云溪人社”网上办事大厅或电子社保卡提交参保登记；\n"
            "2. 受理：系统实时校验身份信息和参保状态；\n"
            "3. 审查：核对是否存在重复参保，确定参加险种和缴费基数档次；\n"
            "4. 决定：符合条件的即时完成参保登记，同步推送医保部门办理职工医保参保；\n"
            "5. 送达：参保信息即时生效，申请人按选定档次通过税务渠道缴费。"
        ),
        "legal_limit": 0,
        "legal_limit_unit": "WORKING",
        "committed_limit": 0,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "IMMEDIATE",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": True,
        "courier": False,
        "online_payment": True,
        "place": "云溪县政务服务中心三楼 25 号窗口（社会保险）",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6219630",
        "complaint_phone": "0799-6123400",
        "result_type": "RECORD",
        "result_name": "灵活就业人员社会保险参保登记",
        "fees": [],
        "materials": [
            {
                "name": "居民身份证或社会保障卡",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内，信息与本人一致",
            },
            {
                "name": "灵活就业人员参保登记表",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "勾选参加险种和缴费基数档次，本人签字或在线确认",
            },
            {
                "name": "就业情况承诺书",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "以个人承诺代替就业证明，如实填写就业形态和就业地点",
            },
        ],
        "faq": [
            {
                "question": "缴费基数可以自己选择吗？",
                "answer": (
                    "可以。在上年度全省全口径城镇单位就业人员平均工资的 60% 至 300% 之间自主选择，每年可调整一次。"
                ),
            },
        ],
    },
    {
        "code": "YX-0019",
        "basic_code": "002018019000",
        "name": "城乡居民养老保险参保登记",
        "kind": "PUBLIC_SERVICE",
        "level": "COUNTY",
        "department": "RSJ",
        "implementing_organ": "云溪县人力资源和社会保障局",
        "joint_departments": [],
        "legal_basis": (
            "1.《中华人民共和国社会保险法》第二十条、第二十二条：国家建立和完善新型农村社会养老保险制度和城镇居民社会"
            "养老保险制度，省级人民政府可以将二者合并实施。\n"
            "2.《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）：年满 16 周岁（不含在校学生"
            "）、不属于职工基本养老保险覆盖范围的城乡居民，可在户籍地参加城乡居民养老保险。"
        ),
        "conditions": (
            "1. 年满 16 周岁（不含在校学生），具有本县户籍；\n"
            "2. 不属于国家机关和事业单位工作人员，未参加职工基本养老保险；\n"
            "3. 未领取城乡居民基本养老保险待遇或职工基本养老保险待遇。"
        ),
        "procedure": (
            "1. 申请：通过村（社区）便民服务站、镇便民服务中心、县政务服务中心三楼人社窗口或“云溪人社”线上渠道申请；"
            "\n"
            "2. 受理：窗口或系统核验身份信息；\n"
            "3. 审查：比对全国社会保险参保信息，排除重复参保；\n"
            "4. 决定：符合条件的即时完成参保登记；\n"
            "5. 送达：参保信息即时生效，参保人选择缴费档次后通过税务渠道缴费。"
        ),
        "legal_limit": 0,
        "legal_limit_unit": "WORKING",
        "committed_limit": 0,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "IMMEDIATE",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": True,
        "courier": False,
        "online_payment": True,
        "place": "云溪县政务服务中心三楼 26 号窗口（城乡居民养老保险）；各镇便民服务中心",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6219635",
        "complaint_phone": "0799-6123400",
        "result_type": "RECORD",
        "result_name": "城乡居民基本养老保险参保登记",
        "fees": [],
        "materials": [
            {
                "name": "居民身份证或户口簿",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内，户籍地址为本县",
            },
            {
                "name": "城乡居民基本养老保险参保登记表",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "本人签字或在线确认，联系电话真实有效",
            },
            {
                "name": "社会保障卡",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "用于缴费和待遇发放；尚未办理的，可在参保登记时同步申领",
            },
        ],
        "faq": [
            {
                "question": "缴费档次有哪些？",
                "answer": (
                    "本县设 200 元、300 元、500 元、800 元、1000 元、1500 元、2000 元、3000 元、5000 元共 9 个年缴费"
                    "档次，参保人自主选择，多缴多得。"
                ),
            },
        ],
    },
    {
        "code": "YX-0020",
        "basic_code": "001014020000",
        "name": "婚姻登记预约",
        "kind": "OTHER",
        "level": "COUNTY",
        "department": "MZJ",
        "implementing_organ": "云溪县民政局（县婚姻登记处）",
        "joint_departments": [],
        "legal_basis": (
            "1.《中华人民共和国民法典》第一千零四十七条：结婚年龄，男不得早于二十二周岁，女不得早于二十周岁。\n"
            "2.《中华人民共和国民法典》第一千零四十九条：要求结婚的男女双方应当亲自到婚姻登记机关申请结婚登记。\n"
            "3.《婚姻登记条例》：规定内地居民办理婚姻登记的机关、所需证件和办理程序。"
        ),
        "conditions": (
            "1. 预约结婚登记的，男方年满 22 周岁、女方年满 20 周岁，双方均无配偶，且没有直系血亲和三代以内旁系血亲关"
            "系；\n"
            "2. 预约离婚登记的，双方自愿离婚，并已对子女抚养、财产及债务处理等事项协商一致；\n"
            "3. 一方或双方为中国内地居民；\n"
            "4. 使用本人真实身份信息预约，并按预约时段到场办理。"
        ),
        "procedure": (
            "1. 申请：通过“云溪政务服务网”婚姻登记预约专栏、“云溪民政”微信公众号或到婚姻登记处窗口预约，"
            "选择办理日期和时段；\n"
            "2. 受理：系统核验双方身份证件信息；\n"
            "3. 审查：核对所选时段剩余号源，同一当事人同一类型业务只保留 1 个有效预约；\n"
            "4. 决定：预约成功即时确认；\n"
            "5. 送达：系统发送预约成功短信，当事人按预约时段持证件到县婚姻登记处办理登记。"
        ),
        "legal_limit": 0,
        "legal_limit_unit": "WORKING",
        "committed_limit": 0,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "IMMEDIATE",
        "channels": ["ONLINE", "WINDOW"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": True,
        "courier": False,
        "online_payment": False,
        "place": "云溪县婚姻登记处（云溪县政务服务中心四楼）",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6216675",
        "complaint_phone": "0799-6123400",
        "result_type": "OTHER",
        "result_name": "婚姻登记预约确认短信",
        "fees": [],
        "materials": [
            {
                "name": "双方居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "预约时在线填报证件号码；办理登记时出示原件，证件在有效期内",
            },
            {
                "name": "近期 2 寸半身免冠合影照片",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 3,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "办理结婚登记时提供，红色背景；婚姻登记处提供现场拍照服务的可不携带",
            },
            {
                "name": "离婚协议书",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 3,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "预约离婚登记的，办理时提交双方签名的离婚协议书",
            },
        ],
        "faq": [
            {
                "question": "预约后可以委托他人代办登记吗？",
                "answer": (
                    "不可以。结婚登记和离婚登记均须双方当事人亲自到婚姻登记处办理，不能按时到场的请提前在线取消预约。"
                ),
            },
            {
                "question": "婚姻登记收费吗？",
                "answer": "不收费。预约和办理婚姻登记均免费。",
            },
        ],
    },
    {
        "code": "YX-0021",
        "basic_code": "000115021000",
        "name": "乡村建设规划许可证核发（村民建房）",
        "kind": "LICENSE",
        "level": "COUNTY",
        "department": "ZRJ",
        "implementing_organ": "云溪县自然资源局",
        "joint_departments": ["TOWN"],
        "legal_basis": (
            "1.《中华人民共和国城乡规划法》第四十一条：在乡、村庄规划区内进行农村村民住宅建设的，应当向乡、"
            "镇人民政府提出申请，由乡、镇人民政府报县人民政府城乡规划主管部门核发乡村建设规划许可证。\n"
            "2.《中华人民共和国土地管理法》第六十二条：农村村民建住宅应当符合乡（镇）土地利用总体规划、村庄规划。\n"
            "3.《中华人民共和国行政许可法》第四十七条：行政许可直接涉及申请人与他人之间重大利益关系的，"
            "应当告知申请人、利害关系人享有要求听证的权利。\n"
            "4.《中华人民共和国行政许可法》第四十三条：依法应当先经下级行政机关审查后报上级行政机关决定的行政许可，"
            "下级行政机关应当自其受理行政许可申请之日起二十日内审查完毕。"
        ),
        "conditions": (
            "1. 建设项目位于乡、村庄规划区内，符合已批准的村庄规划或国土空间规划；\n"
            "2. 已取得农村宅基地批准书，或与宅基地审批同步申请；\n"
            "3. 不占用永久基本农田，确需占用农用地的已依法办理农用地转用审批；\n"
            "4. 建筑层数不超过 3 层、檐口高度不超过 10.5 米，建筑风貌符合本县农房风貌管控要求；\n"
            "5. 与相邻建筑的间距满足消防和采光要求，不影响相邻权利人通行。"
        ),
        "procedure": (
            "1. 申请：建房村民经村民委员会签署意见后，向所在镇便民服务中心提交申请；\n"
            "2. 初审：镇便民服务中心收件后组织现场踏勘，镇人民政府在 20 个工作日内提出初审意见，连同全部申请材料"
            "报送县自然资源局，申请人无需重复提交材料；\n"
            "3. 审查：县自然资源局审查规划条件和建筑设计方案；涉及相邻权利人重大利益的，告知其享有要求听证的权利，"
            "依申请组织听证，听证时间不计入办理时限；\n"
            "4. 决定：符合条件的核发《乡村建设规划许可证》，不符合的书面说明理由；\n"
            "5. 送达：许可证由镇便民服务中心送达申请人，开工前由镇人民政府组织定桩放线。"
        ),
        "legal_limit": 20,
        "legal_limit_unit": "WORKING",
        "committed_limit": 10,
        "committed_limit_unit": "WORKING",
        "lower_review_days": 20,
        "special_procedures": ["HEARING"],
        "extension_allowed": True,
        "extension_days": 10,
        "default_class": "PROMISED",
        "channels": ["WINDOW"],
        "required_visits": 1,
        "visits_reason": "需到镇便民服务中心签署申请并现场确认建房位置",
        "appointment": True,
        "courier": False,
        "online_payment": False,
        "place": "云溪县政务服务中心二楼 18 号窗口（自然资源）；农村村民住宅在所在镇便民服务中心综合窗口受理",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6214460",
        "complaint_phone": "0799-6123400",
        "result_type": "CERTIFICATE",
        "result_name": "乡村建设规划许可证",
        "fees": [],
        "materials": [
            {
                "name": "乡村建设规划许可申请表",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "申请人签字，建设位置、层数、建筑面积填写完整",
            },
            {
                "name": "申请人居民身份证及户口簿",
                "original": "ORIGINAL_AND_COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内",
            },
            {
                "name": "农村宅基地批准书",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "已取得的通过镇人民政府审批信息共享核验；与宅基地审批同步申请的无需提供",
            },
            {
                "name": "建房设计图或农房通用图集选用说明",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "标明层数、高度、面积、平面布局和立面效果；选用本县农房通用图集的注明图集编号",
            },
            {
                "name": "村民委员会意见",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "加盖村民委员会印章，附村民小组会议讨论记录",
            },
            {
                "name": "相邻权利人意见",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": "四邻签字确认；受理时暂未取得的，可在现场踏勘前补交",
            },
        ],
        "faq": [
            {
                "question": "原址拆旧建新也要办理乡村建设规划许可吗？",
                "answer": "需要。原址翻建、改建农村住宅的，同样应当取得乡村建设规划许可证后方可开工。",
            },
        ],
    },
    {
        "code": "YX-0022",
        "basic_code": "000321022000",
        "name": "最低生活保障申请",
        "kind": "BENEFIT",
        "level": "TOWN",
        "department": "TOWN",
        "implementing_organ": "云溪县民政局（各镇人民政府受理、审核）",
        "joint_departments": ["MZJ"],
        "legal_basis": (
            "1.《社会救助暂行办法》第九条：国家对共同生活的家庭成员人均收入低于当地最低生活保障标准，"
            "且符合当地家庭财产状况规定的家庭，给予最低生活保障。\n"
            "2.《社会救助暂行办法》第十一条：申请最低生活保障，由共同生活的家庭成员向户籍所在地乡镇人民政府提出书面申"
            "请，乡镇人民政府调查核实、公示后报县级人民政府民政部门审批。\n"
            "3.《最低生活保障审核确认办法》：规定申请受理、家庭经济状况调查、审核确认和管理的程序及时限。"
        ),
        "conditions": (
            "1. 申请人具有本县户籍；\n"
            "2. 共同生活的家庭成员月人均收入低于本县最低生活保障标准（城市每人每月 780 元、农村每人每月 620 元，"
            "以当年公布标准为准）；\n"
            "3. 家庭财产状况符合规定：家庭成员名下无非生活必需的机动车辆，人均存款及有价证券不超过本县 24 个月低保标"
            "准之和；\n"
            "4. 家庭成员如实申报家庭收入和财产状况，并书面授权开展家庭经济状况核对。"
        ),
        "procedure": (
            "1. 申请：由共同生活的家庭成员向户籍所在地镇便民服务中心提出书面申请，申请有困难的可委托村（居）"
            "民委员会代为申请；\n"
            "2. 受理：镇便民服务中心审查材料，材料齐全的当场受理；\n"
            "3. 审查：镇人民政府通过入户调查、邻里访问、信息核对等方式调查核实，提出审核意见并在村（社区）公示 7 日；"
            "\n"
            "4. 决定：镇人民政府将审核意见报县民政局，县民政局审核确认，符合条件的予以确认并公布，"
            "不符合的书面说明理由；\n"
            "5. 送达：低保金自确认的次月起按月发放至保障对象社会保障卡账户。"
        ),
        "legal_limit": 30,
        "legal_limit_unit": "WORKING",
        "committed_limit": 20,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": True,
        "extension_days": 15,
        "default_class": "REPORTED",
        "channels": ["WINDOW"],
        "required_visits": 1,
        "visits_reason": "需签署家庭经济状况核对授权书并配合入户调查",
        "appointment": False,
        "courier": False,
        "online_payment": False,
        "place": "各镇便民服务中心社会事务窗口（如青石镇便民服务中心一楼 2 号窗口）",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6210001",
        "complaint_phone": "0799-6123400",
        "result_type": "APPROVAL",
        "result_name": "最低生活保障审核确认决定",
        "fees": [],
        "materials": [
            {
                "name": "最低生活保障申请书",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "写明家庭困难情况和申请理由，申请人签字或捺印",
            },
            {
                "name": "家庭成员居民身份证或户口簿",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "包括全部共同生活的家庭成员",
            },
            {
                "name": "家庭经济状况核对授权书",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "所有共同生活的成年家庭成员本人签字，授权核对收入、财产等信息",
            },
            {
                "name": "家庭收入和财产状况申报表",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "逐项申报工资、经营、转移性收入及房产、车辆、存款等财产，申报人签字确认",
            },
            {
                "name": "家庭经济状况核对报告",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": (
                    "由县社会救助家庭经济状况核对机构比对不动产、车辆、存款、市场主体、社保等信息后生成，申请人无需提交"
                ),
            },
            {
                "name": "重病、残疾等特殊情况证明",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": "家庭成员患重病或有残疾的提供诊断证明或残疾人证；可在入户调查时补交",
            },
        ],
        "faq": [
            {
                "question": "申请低保需要先到村里开证明吗？",
                "answer": (
                    "不需要。家庭收入、财产情况通过申报和信息核对认定，村（居）民委员会协助入户调查，"
                    "不要求申请人开具证明。"
                ),
            },
            {
                "question": "公示期间有人提出异议怎么办？",
                "answer": "镇人民政府将重新组织调查核实，必要时进行民主评议，并根据核实情况提出审核意见。",
            },
        ],
    },
    {
        "code": "YX-0023",
        "basic_code": "000321023000",
        "name": "特困人员救助供养申请",
        "kind": "BENEFIT",
        "level": "TOWN",
        "department": "TOWN",
        "implementing_organ": "云溪县民政局（各镇人民政府受理、审核）",
        "joint_departments": ["MZJ"],
        "legal_basis": (
            "1.《社会救助暂行办法》第十四条：国家对无劳动能力、无生活来源且无法定赡养、抚养、扶养义务人，"
            "或者其法定义务人无履行义务能力的老年人、残疾人以及未满 16 周岁的未成年人，给予特困人员供养。\n"
            "2.《社会救助暂行办法》第十六条：申请特困人员供养，由本人向户籍所在地乡镇人民政府提出书面申请，"
            "本人申请有困难的可以委托村（居）民委员会代为提出。\n"
            "3.《特困人员认定办法》：规定特困人员认定条件、申请受理、审核确认和终止程序。"
        ),
        "conditions": (
            "1. 具有本县户籍的老年人、残疾人或未满 16 周岁的未成年人；\n"
            "2. 无劳动能力：年满 60 周岁，或为一级、二级残疾人及三级智力、精神残疾人，或未满 16 周岁；\n"
            "3. 无生活来源：收入低于本县最低生活保障标准，且财产符合特困人员财产状况规定；\n"
            "4. 无法定赡养、抚养、扶养义务人，或法定义务人为特困人员、重度残疾人等无履行义务能力的人员。"
        ),
        "procedure": (
            "1. 申请：本人或其委托的村（居）民委员会向户籍所在地镇便民服务中心提出书面申请；\n"
            "2. 受理：镇便民服务中心审查材料，材料齐全的当场受理；\n"
            "3. 审查：镇人民政府入户调查核实，在村（社区）公示 7 日后提出审核意见；\n"
            "4. 决定：报县民政局审核确认，符合条件的确认为特困人员并明确分散供养或集中供养方式；\n"
            "5. 送达：基本生活费和照料护理费自确认的次月起按月发放，结果书面告知申请人。"
        ),
        "legal_limit": 30,
        "legal_limit_unit": "WORKING",
        "committed_limit": 20,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "REPORTED",
        "channels": ["WINDOW"],
        "required_visits": 1,
        "visits_reason": "需申请人或代理人签署申请书和核对授权书",
        "appointment": False,
        "courier": False,
        "online_payment": False,
        "place": "各镇便民服务中心社会事务窗口（如青石镇便民服务中心一楼 2 号窗口）",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6210001",
        "complaint_phone": "0799-6123400",
        "result_type": "APPROVAL",
        "result_name": "特困人员救助供养审核确认决定",
        "fees": [],
        "materials": [
            {
                "name": "特困人员救助供养申请书",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "申请人签字或捺印，写明困难情况",
            },
            {
                "name": "居民身份证或户口簿",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "户籍地址为本县",
            },
            {
                "name": "家庭经济状况核对授权书",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "所有共同生活的成年家庭成员本人签字，授权核对收入、财产等信息",
            },
            {
                "name": "残疾人证信息",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "以残疾认定无劳动能力的，通过残疾人人口基础数据库共享核验，无需提交复印件",
            },
            {
                "name": "法定义务人无履行义务能力的证明",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": "法定义务人为重度残疾人、服刑人员等的提供相应证明；可在入户调查时补交",
            },
            {
                "name": "供养方式选择意见书",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "选择在家分散供养，或在县社会福利院、镇敬老院集中供养，本人签字确认",
            },
        ],
        "faq": [
            {
                "question": "分散供养和集中供养有什么区别？",
                "answer": (
                    "分散供养的特困人员在家居住，按月领取基本生活费和照料护理费；集中供养的由县社会福利院或镇敬老院提"
                    "供住宿、餐饮和照料服务，生活能够自理的优先安排在敬老院。"
                ),
            },
        ],
    },
    {
        "code": "YX-0024",
        "basic_code": "000321024000",
        "name": "临时救助申请",
        "kind": "BENEFIT",
        "level": "TOWN",
        "department": "TOWN",
        "implementing_organ": "各镇人民政府",
        "joint_departments": ["MZJ"],
        "legal_basis": (
            "1.《社会救助暂行办法》第四十七条：国家对因火灾、交通事故等意外事件，家庭成员突发重大疾病等原因，"
            "导致基本生活暂时出现严重困难的家庭，给予临时救助。\n"
            "2.《社会救助暂行办法》第四十八条：申请临时救助的，应当向乡镇人民政府提出，经审核、"
            "公示后由县级人民政府民政部门审批；救助金额较小的，可以委托乡镇人民政府审批；情况紧急的，"
            "可以简化审批手续。\n"
            "3.《国务院关于全面建立临时救助制度的通知》（国发〔2014〕47号）。"
        ),
        "conditions": (
            "1. 具有本县户籍或持有本县居住证的家庭或个人，以及在本县遭遇急难的非本县户籍人员；\n"
            "2. 因火灾、交通事故、溺水等意外事件，或家庭成员突发重大疾病，导致基本生活暂时出现严重困难；\n"
            "3. 或为因教育、医疗等生活必需支出突然增加，超出家庭承受能力的低保家庭、低保边缘家庭；\n"
            "4. 同一事由在 12 个月内未重复享受临时救助。"
        ),
        "procedure": (
            "1. 申请：向户籍所在地或急难发生地镇便民服务中心提出申请，也可由村（居）民委员会代为申请；\n"
            "2. 受理：镇便民服务中心当场受理，情况紧急的启动先行救助，先发放救助金或实物，事后补齐手续；\n"
            "3. 审查：镇人民政府入户核实困难情况，在村（社区）公示 3 日；\n"
            "4. 决定：单次救助金额在 3000 元以内的由镇人民政府审批，超过 3000 元的报县民政局审批；\n"
            "5. 送达：救助金发放至申请人社会保障卡账户，实物救助由镇人民政府组织发放。"
        ),
        "legal_limit": 15,
        "legal_limit_unit": "WORKING",
        "committed_limit": 7,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "PROMISED",
        "channels": ["WINDOW"],
        "required_visits": 1,
        "visits_reason": "需签署申请书和家庭经济状况核对授权书",
        "appointment": False,
        "courier": False,
        "online_payment": False,
        "place": "各镇便民服务中心社会事务窗口（如青石镇便民服务中心一楼 2 号窗口）",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6210001",
        "complaint_phone": "0799-6123400",
        "result_type": "OTHER",
        "result_name": "临时救助金（或实物救助）",
        "fees": [],
        "materials": [
            {
                "name": "临时救助申请书",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "写明遭遇的困难和申请救助事由，申请人签字",
            },
            {
                "name": "申请人居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内",
            },
            {
                "name": "困难情况证明",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": (
                    "如火灾事故认定书、交通事故认定书、医疗费用票据等；情况紧急的可在先行救助后 5 个工作日内补交"
                ),
            },
            {
                "name": "家庭经济状况核对授权书",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "所有共同生活的成年家庭成员本人签字，授权核对收入、财产等信息",
            },
            {
                "name": "社会保障卡或本人银行账户",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "户名为申请人本人，账户状态正常",
            },
        ],
        "faq": [
            {
                "question": "遇到急难情况，多久能拿到救助？",
                "answer": (
                    "对情况紧急、需立即救助的，镇人民政府在受理后 24 小时内先行救助，再按规定补办审核、公示手续。"
                ),
            },
        ],
    },
    {
        "code": "YX-0025",
        "basic_code": "000121025000",
        "name": "农村宅基地建房审批",
        "kind": "LICENSE",
        "level": "TOWN",
        "department": "TOWN",
        "implementing_organ": "各镇人民政府",
        "joint_departments": ["ZRJ"],
        "legal_basis": (
            "1.《中华人民共和国土地管理法》第六十二条：农村村民一户只能拥有一处宅基地，面积不得超过省规定的标准；"
            "农村村民住宅用地由乡（镇）人民政府审核批准。\n"
            "2.《中华人民共和国土地管理法实施条例》第三十四条：农村村民申请宅基地的，以户为单位向农村集体经济组织提出"
            "申请，经集体讨论通过并公示后报乡（镇）人民政府审核批准。\n"
            "3.《农业农村部 自然资源部关于规范农村宅基地审批管理的通知》：建立一个窗口对外受理、"
            "多部门内部联动运行的宅基地用地建房联审联办制度。\n"
            "4.《中华人民共和国行政许可法》第四十二条：联合办理的，办理时间不得超过 45 日，"
            "经本级人民政府负责人批准可延长 15 日。"
        ),
        "conditions": (
            "1. 申请人为本村集体经济组织成员，以户为单位申请；\n"
            "2. 符合一户一宅规定：本户无宅基地，或现有宅基地面积低于标准且具备分户条件，或因自然灾害、"
            "实施村庄规划需要搬迁；\n"
            "3. 拟建房选址符合村庄规划和国土空间用途管制要求，不占用永久基本农田和生态保护红线；\n"
            "4. 宅基地面积不超过标准：本县平原区每户不超过 120 平方米，丘陵山区每户不超过 150 平方米；\n"
            "5. 申请户未出卖、出租或赠与原有住宅。"
        ),
        "procedure": (
            "1. 申请：农户向村集体经济组织提出书面申请，经村民小组会议讨论通过，并在本组公示 5 个工作日；\n"
            "2. 受理：村级组织审查后，农户向镇便民服务中心综合窗口提交申请材料，窗口一次性受理；\n"
            "3. 审查：镇人民政府组织农业农村、自然资源、规划建设等机构联合审查，实地核实申请条件、用地面积和四至，"
            "涉及农用地转用的报县自然资源局办理；\n"
            "4. 决定：符合条件的批准用地，核发《农村宅基地批准书》，同步报请核发《乡村建设规划许可证》；\n"
            "5. 送达：批准文书由镇便民服务中心送达申请人，开工前实地丈量批放、定桩放线，竣工后组织验收。"
        ),
        "legal_limit": 45,
        "legal_limit_unit": "WORKING",
        "committed_limit": 20,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": True,
        "extension_days": 15,
        "default_class": "PROMISED",
        "channels": ["WINDOW"],
        "required_visits": 1,
        "visits_reason": "需户主到镇便民服务中心签署申请并现场确认建房位置",
        "appointment": True,
        "courier": False,
        "online_payment": False,
        "place": "各镇便民服务中心综合窗口（如桃源镇便民服务中心一楼 1 号窗口）",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6220001",
        "complaint_phone": "0799-6123400",
        "result_type": "APPROVAL",
        "result_name": "农村宅基地批准书",
        "fees": [],
        "materials": [
            {
                "name": "农村宅基地和建房（规划许可）申请表",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "户主签字，家庭成员、拟用地面积和位置填写完整",
            },
            {
                "name": "户主居民身份证及户口簿",
                "original": "ORIGINAL_AND_COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内，户籍在本村",
            },
            {
                "name": "农村宅基地使用承诺书",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "承诺一户一宅、建新拆旧，按批准的面积和位置建设",
            },
            {
                "name": "村民小组会议记录及公示结果",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "到会人数符合规定，附公示照片和公示期满无异议的说明",
            },
            {
                "name": "现有宅基地不动产登记信息",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "通过不动产登记信息共享核验申请户现有宅基地情况，申请人无需提供",
            },
            {
                "name": "相邻权利人意见书",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": "四邻签字确认；受理时暂未取得的，可在实地核查前补交",
            },
            {
                "name": "建房设计图或农房通用图集选用说明",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": "标明层数、高度和建筑面积；可在实地核查前补交",
            },
        ],
        "faq": [
            {
                "question": "宅基地审批和规划许可要分别跑两个部门吗？",
                "answer": (
                    "不需要。两项申请在镇便民服务中心综合窗口一次提交，由镇人民政府组织联审，"
                    "规划许可由镇人民政府报县自然资源局核发后一并送达。"
                ),
            },
            {
                "question": "批准后多久必须开工？",
                "answer": "取得批准文件后应在 1 年内开工，逾期未开工的应重新申请。",
            },
        ],
    },
    {
        "code": "YX-0026",
        "basic_code": "000321026000",
        "name": "独生子女父母奖励扶助",
        "kind": "BENEFIT",
        "level": "TOWN",
        "department": "TOWN",
        "implementing_organ": "云溪县卫生健康委员会（各镇人民政府受理、审核）",
        "joint_departments": ["WJW"],
        "legal_basis": (
            "1.《中华人民共和国人口与计划生育法》：在国家提倡一对夫妻生育一个子女期间，按照规定应当享受计划生育家庭老"
            "年人奖励扶助的，继续享受相关奖励扶助。\n"
            "2. 国家关于农村部分计划生育家庭奖励扶助制度的有关规定：对符合条件的农村计划生育家庭夫妻，"
            "年满 60 周岁后按人按年发放奖励扶助金。\n"
            "3. 省人口与计划生育条例关于独生子女父母奖励的规定。"
        ),
        "conditions": (
            "1. 本人及配偶为本县户籍农村居民（已按规定领取城镇独生子女父母退休补助的除外）；\n"
            "2. 1973 年至 2015 年期间没有违反计划生育法律法规和政策规定生育；\n"
            "3. 现存一个子女或两个女孩，或子女死亡现无子女；\n"
            "4. 本人年满 60 周岁，年满 60 周岁的当年即可申报。"
        ),
        "procedure": (
            "1. 申请：符合条件的人员向户籍所在地村（社区）便民服务站或镇便民服务中心申报；\n"
            "2. 受理：镇便民服务中心核对材料后受理；\n"
            "3. 审查：村（社区）初审并张榜公示 7 日，镇人民政府审核后报县卫生健康委员会；\n"
            "4. 决定：县卫生健康委员会审批确认后，在村（社区）公布结果；\n"
            "5. 送达：奖励扶助金每年由代理金融机构发放至本人社会保障卡账户。"
        ),
        "legal_limit": 30,
        "legal_limit_unit": "WORKING",
        "committed_limit": 20,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "REPORTED",
        "channels": ["WINDOW"],
        "required_visits": 1,
        "visits_reason": "需本人到场签署申报表",
        "appointment": False,
        "courier": False,
        "online_payment": False,
        "place": "各镇便民服务中心卫生健康窗口；各村（社区）便民服务站可代收材料",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6210001",
        "complaint_phone": "0799-6123400",
        "result_type": "APPROVAL",
        "result_name": "农村部分计划生育家庭奖励扶助对象确认",
        "fees": [],
        "materials": [
            {
                "name": "奖励扶助对象申报表",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "本人签字，婚育情况如实填写",
            },
            {
                "name": "夫妻双方居民身份证及户口簿",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内，户籍地址为本县",
            },
            {
                "name": "独生子女父母光荣证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "通过县计划生育信息系统共享核验持证信息；系统中无记录的，提供原件核对",
            },
            {
                "name": "子女情况证明",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": "由村（居）民委员会出具，写明子女数量和现存情况；可在公示前补交",
            },
            {
                "name": "社会保障卡",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "户名为申请人本人，账户状态正常",
            },
        ],
        "faq": [
            {
                "question": "夫妻双方都可以领取吗？",
                "answer": "可以。奖励扶助金按人发放，夫妻双方年满 60 周岁且符合条件的，分别申报、分别领取。",
            },
        ],
    },
    {
        "code": "YX-0027",
        "basic_code": "002021027000",
        "name": "就业失业登记",
        "kind": "PUBLIC_SERVICE",
        "level": "TOWN",
        "department": "TOWN",
        "implementing_organ": "各镇人民政府（镇劳动保障事务所）",
        "joint_departments": ["RSJ"],
        "legal_basis": (
            "1.《中华人民共和国就业促进法》第三十五条：公共就业服务机构为劳动者免费提供就业政策咨询、职业指导、"
            "职业介绍和就业援助，办理就业登记、失业登记等事务。\n"
            "2.《就业服务与就业管理规定》：劳动者可在常住地公共就业服务机构办理就业登记和失业登记，"
            "公共就业服务机构为其发放《就业创业证》。"
        ),
        "conditions": (
            "1. 就业登记：年满 16 周岁至法定退休年龄，已与用人单位建立劳动关系，或实现灵活就业、自主创业；\n"
            "2. 失业登记：年满 16 周岁至法定退休年龄，有劳动能力和就业要求，处于无业状态；\n"
            "3. 在本县常住，具有本县户籍或持有本县居住证。"
        ),
        "procedure": (
            "1. 申请：通过镇便民服务中心劳动保障窗口、“云溪人社”线上渠道或电子社保卡提出登记申请；\n"
            "2. 受理：窗口或系统核验身份信息；\n"
            "3. 审查：通过社保参保、市场主体登记等信息比对核实就业或失业状态；\n"
            "4. 决定：符合条件的即时办理登记；\n"
            "5. 送达：发放电子《就业创业证》，失业登记人员同步纳入职业指导和就业援助服务范围。"
        ),
        "legal_limit": 0,
        "legal_limit_unit": "WORKING",
        "committed_limit": 0,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "IMMEDIATE",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": True,
        "courier": False,
        "online_payment": False,
        "place": "各镇便民服务中心劳动保障窗口；云溪县政务服务中心三楼 27 号窗口（就业服务）",
        "hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6219638",
        "complaint_phone": "0799-6123400",
        "result_type": "CARD",
        "result_name": "就业创业证（电子证）",
        "fees": [],
        "materials": [
            {
                "name": "居民身份证或社会保障卡",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内",
            },
            {
                "name": "就业失业登记表",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "本人签字或在线确认，就业失业状态如实填写",
            },
            {
                "name": "学历证书",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": "用于登记文化程度和享受高校毕业生就业政策；可在登记后补充上传",
            },
            {
                "name": "劳动合同或营业执照",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "办理就业登记时提供；已参保或已登记市场主体的通过信息共享核验，无需提供",
            },
        ],
        "faq": [
            {
                "question": "办理失业登记后可以享受哪些服务？",
                "answer": (
                    "可免费享受职业指导、职业介绍和职业技能培训；符合条件的，可申领失业保险金或申请就业困难人员认定。"
                ),
            },
        ],
    },
    {
        "code": "YX-0028",
        "basic_code": "002016028000",
        "name": "老年人优待证办理",
        "kind": "PUBLIC_SERVICE",
        "level": "VILLAGE",
        "department": "WJW",
        "implementing_organ": "云溪县卫生健康委员会（县老龄工作委员会办公室）",
        "joint_departments": ["TOWN"],
        "legal_basis": (
            "1.《中华人民共和国老年人权益保障法》第五章“社会优待”：县级以上人民政府及其有关部门根据经济社会发展情况和"
            "老年人的特殊需要，制定优待老年人的办法，逐步提高优待水平。\n"
            "2. 省老年人优待办法：对年满 60 周岁的老年人发放老年人优待证，持证人可享受交通出行、文化休闲等优待服务。"
        ),
        "conditions": (
            "1. 年满 60 周岁；\n"
            "2. 具有本县户籍，或持有本县居住证的常住老年人；\n"
            "3. 未办理过本县老年人优待证，或原证遗失、损坏需要补办。"
        ),
        "procedure": (
            "1. 申请：老年人或其家属到所在村（社区）便民服务站提出申请，行动不便的由代办员上门收件；\n"
            "2. 受理：便民服务站核验身份证件，现场拍照并录入系统；\n"
            "3. 审查：镇便民服务中心汇总核对后报县老龄工作委员会办公室审核；\n"
            "4. 决定：审核通过后统一制证；\n"
            "5. 送达：优待证下发至村（社区）便民服务站，由代办员通知领取或上门送达。"
        ),
        "legal_limit": 15,
        "legal_limit_unit": "WORKING",
        "committed_limit": 10,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "REPORTED",
        "channels": ["WINDOW"],
        "required_visits": 1,
        "visits_reason": "需现场拍照采集信息；行动不便的可由代办员上门采集",
        "appointment": False,
        "courier": False,
        "online_payment": False,
        "place": "各村（社区）便民服务站（如青石镇溪口村便民服务站）",
        "hours": "工作日 上午 8:30—11:30，下午 14:30—17:00（农忙时节可电话预约代办员上门）",
        "enquiry_phone": "0799-6302001",
        "complaint_phone": "0799-6123400",
        "result_type": "CARD",
        "result_name": "老年人优待证",
        "fees": [],
        "materials": [
            {
                "name": "居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内",
            },
            {
                "name": "户籍信息",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "通过公安人口信息共享核验，无需提交户口簿复印件",
            },
            {
                "name": "近期免冠彩色照片",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "便民服务站现场拍照的可不提供；自行提供的为近 6 个月内拍摄",
            },
            {
                "name": "居住证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "非本县户籍的常住老年人提供，在有效期内",
            },
            {
                "name": "代办人居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "由家属代为申请时提供",
            },
        ],
        "faq": [
            {
                "question": "老年人优待证可以享受哪些优待？",
                "answer": (
                    "持证老年人可享受县内公交优惠乘车、县内公园和国有景区免收门票等优待，具体以县公布的老年人优待清单"
                    "为准。"
                ),
            },
        ],
    },
    {
        "code": "YX-0029",
        "basic_code": "000314029000",
        "name": "高龄津贴申领",
        "kind": "BENEFIT",
        "level": "VILLAGE",
        "department": "MZJ",
        "implementing_organ": "云溪县民政局",
        "joint_departments": ["TOWN"],
        "legal_basis": (
            "1.《中华人民共和国老年人权益保障法》第三十三条：国家建立和完善老年人福利制度，"
            "鼓励地方建立八十周岁以上低收入老年人高龄津贴制度。\n"
            "2. 省民政厅、省财政厅关于建立和完善高龄老年人津贴制度的规定。\n"
            "3.《云溪县高龄津贴发放实施办法》：明确发放对象、标准和审核发放程序。"
        ),
        "conditions": "1. 年满 80 周岁；\n2. 具有本县户籍；\n3. 未在其他地区领取同类高龄津贴。",
        "procedure": (
            "1. 申请：老年人或其家属向户籍所在村（社区）便民服务站提出申请；对系统推送的即将年满 80 周岁人员，"
            "便民服务站主动上门告知；\n"
            "2. 受理：便民服务站收取材料并录入系统，完成初步采集；\n"
            "3. 审查：镇便民服务中心审核后报县民政局；\n"
            "4. 决定：县民政局核定发放对象和标准：80—89 周岁每人每月 50 元，90—99 周岁每人每月 100 元，"
            "100 周岁以上每人每月 500 元；\n"
            "5. 送达：高龄津贴自批准的次月起按月发放至本人社会保障卡账户。"
        ),
        "legal_limit": 20,
        "legal_limit_unit": "WORKING",
        "committed_limit": 15,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "REPORTED",
        "channels": ["WINDOW"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": False,
        "courier": False,
        "online_payment": False,
        "place": "各村（社区）便民服务站（如青石镇溪口村便民服务站）",
        "hours": "工作日 上午 8:30—11:30，下午 14:30—17:00（农忙时节可电话预约代办员上门）",
        "enquiry_phone": "0799-6302001",
        "complaint_phone": "0799-6123400",
        "result_type": "OTHER",
        "result_name": "高龄津贴",
        "fees": [],
        "materials": [
            {
                "name": "居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内，可由代办员上门核验",
            },
            {
                "name": "户籍信息",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "通过公安人口信息共享核验年龄和户籍，无需提交户口簿复印件",
            },
            {
                "name": "社会保障卡或本人银行账户",
                "original": "COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "户名为老年人本人，账户状态正常",
            },
            {
                "name": "代办委托书及代办人身份证",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "家属代为申请时提供，委托书由老年人本人签字或捺印",
            },
        ],
        "faq": [
            {
                "question": "年满 80 周岁后需要自己去申请吗？",
                "answer": (
                    "不必专程办理。村（社区）便民服务站根据系统推送名单主动上门采集信息，老年人在家即可完成申请。"
                ),
            },
            {
                "question": "老人去世后需要办理什么手续？",
                "answer": "家属应在 30 日内告知村（社区）便民服务站，自次月起停发高龄津贴，多发放的津贴应予退回。",
            },
        ],
    },
    {
        "code": "YX-0030",
        "basic_code": "002031030000",
        "name": "入院登记",
        "kind": "PUBLIC_SERVICE",
        "level": "INSTITUTION",
        "department": "HOSPITAL",
        "implementing_organ": "云溪县人民医院",
        "joint_departments": [],
        "legal_basis": (
            "1.《医疗机构管理条例》：医疗机构应当按照核准登记的诊疗科目开展诊疗活动，建立健全住院管理等规章制度。\n"
            "2.《医疗保障基金使用监督管理条例》第十五条：定点医药机构应当执行实名就医管理规定，"
            "核验参保人员医疗保障凭证。\n"
            "3.《云溪县人民医院住院患者管理制度》。"
        ),
        "conditions": (
            "1. 持有本院门诊或急诊医师开具的住院通知单；\n"
            "2. 患者本人或其家属能够提供患者有效身份证件或医保电子凭证；\n"
            "3. 住院通知单确定的科室有空余床位，或经病区同意加床收治。"
        ),
        "procedure": (
            "1. 申请：患者或家属持住院通知单和身份证件到便民服务中心入院登记窗口或自助机办理，"
            "也可通过医院服务号线上办理；\n"
            "2. 受理：核验患者身份和医保电子凭证，进行实名登记；\n"
            "3. 审查：核对住院科室、床位信息和医保类别，外地参保患者核验异地就医备案信息；\n"
            "4. 决定：建立住院号，按科室标准缴纳住院预交金；\n"
            "5. 送达：发放住院腕带和预交金收据，引导患者到病区护士站报到。"
        ),
        "legal_limit": 0,
        "legal_limit_unit": "NATURAL",
        "committed_limit": 0,
        "committed_limit_unit": "NATURAL",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "IMMEDIATE",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 1,
        "visits_reason": "需现场核验患者身份并佩戴住院腕带",
        "appointment": False,
        "courier": False,
        "online_payment": True,
        "place": "云溪县人民医院门诊楼一楼便民服务中心 1—2 号窗口（夜间及节假日在急诊楼一楼收费处）",
        "hours": "每日 7:30—17:30；夜间急诊入院在急诊收费处办理，24 小时服务",
        "enquiry_phone": "0799-6180120",
        "complaint_phone": "0799-6180000",
        "result_type": "OTHER",
        "result_name": "住院登记凭证（住院号、住院腕带、预交金收据）",
        "fees": [],
        "materials": [
            {
                "name": "住院通知单",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "由本院门诊或急诊医师开具，有医师签名，载明住院科室和入院诊断",
            },
            {
                "name": "患者居民身份证或医保电子凭证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "用于实名就医核验；未成年人可提供户口簿或出生医学证明",
            },
            {
                "name": "异地就医备案信息",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "外地参保患者通过国家异地就医结算系统核验备案状态，无需提交纸质备案表",
            },
            {
                "name": "转诊转院证明",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": "由转出医院开具；急诊入院的可在出院结算前补交",
            },
            {
                "name": "代办人居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "患者病情危重无法到场、由家属代办时提供",
            },
        ],
        "faq": [
            {
                "question": "夜间急诊需要住院怎么办？",
                "answer": "夜间及节假日在急诊楼一楼收费处办理入院登记，危重患者先救治、后补办手续。",
            },
            {
                "question": "住院预交金可以线上缴纳吗？",
                "answer": "可以。办理登记后可通过医院服务号或窗口扫码缴纳，出院结算时多退少补。",
            },
        ],
    },
    {
        "code": "YX-0031",
        "basic_code": "002031031000",
        "name": "出院结算",
        "kind": "PUBLIC_SERVICE",
        "level": "INSTITUTION",
        "department": "HOSPITAL",
        "implementing_organ": "云溪县人民医院",
        "joint_departments": [],
        "legal_basis": (
            "1.《中华人民共和国社会保险法》第二十九条：参保人员医疗费用中应当由基本医疗保险基金支付的部分，"
            "由社会保险经办机构与医疗机构直接结算。\n"
            "2.《医疗保障基金使用监督管理条例》：定点医疗机构应当按规定提供医疗费用结算清单和医疗费用单据。\n"
            "3.《云溪县人民医院住院费用结算管理规定》。"
        ),
        "conditions": (
            "1. 主管医师已下达出院医嘱，病区已完成住院费用核对；\n"
            "2. 患者身份和医保参保信息已在入院时登记或已补录；\n"
            "3. 外地参保患者已办理异地就医备案的，可直接结算；未备案的按全自费结算后回参保地报销。"
        ),
        "procedure": (
            "1. 申请：出院当日患者或家属到便民服务中心出院结算窗口，或在病区床旁、医院服务号申请结算；\n"
            "2. 受理：核验患者身份和预交金信息；\n"
            "3. 审查：核对住院费用明细与医保结算数据；\n"
            "4. 决定：基本医保、大病保险、医疗救助“一站式”结算，计算个人自付金额，预交金多退少补；\n"
            "5. 送达：出具医疗收费电子票据和住院费用结算单。"
        ),
        "legal_limit": 0,
        "legal_limit_unit": "NATURAL",
        "committed_limit": 0,
        "committed_limit_unit": "NATURAL",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "IMMEDIATE",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": False,
        "courier": False,
        "online_payment": True,
        "place": "云溪县人民医院门诊楼一楼便民服务中心 3—4 号窗口（出院结算）；各病区护士站（床旁结算）",
        "hours": "每日 7:30—17:30（含周末及法定节假日）",
        "enquiry_phone": "0799-6180103",
        "complaint_phone": "0799-6180000",
        "result_type": "OTHER",
        "result_name": "医疗收费电子票据及住院费用结算单",
        "fees": [],
        "materials": [
            {
                "name": "患者居民身份证或医保电子凭证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "与入院登记信息一致",
            },
            {
                "name": "住院预交金收据",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "DEFERRABLE",
                "source": "APPLICANT",
                "basis": "",
                "standard": "线上缴纳的无需提供；纸质收据遗失的，可先结算，签署遗失声明后退还余款",
            },
            {
                "name": "代办人居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "由家属代为结算时提供",
            },
        ],
        "faq": [
            {
                "question": "周末可以办理出院结算吗？",
                "answer": "可以。出院结算窗口周末及法定节假日照常开放，也可在病区床旁结算。",
            },
            {
                "question": "电子票据如何获取？",
                "answer": (
                    "结算后通过短信链接或医院服务号查看下载，电子票据与纸质票据具有同等效力，可用于商业保险报销。"
                ),
            },
        ],
    },
    {
        "code": "YX-0032",
        "basic_code": "001031032000",
        "name": "住院费用清单打印",
        "kind": "OTHER",
        "level": "INSTITUTION",
        "department": "HOSPITAL",
        "implementing_organ": "云溪县人民医院",
        "joint_departments": [],
        "legal_basis": (
            "1.《医疗保障基金使用监督管理条例》：定点医药机构应当向参保人员如实出具医疗费用单据和相关资料。\n"
            "2. 国家卫生健康主管部门关于医疗机构实行住院费用清单制度的有关规定：医疗机构应当向住院患者提供费用明细清"
            "单。"
        ),
        "conditions": (
            "1. 在本院住院治疗的患者，包括在院患者和已出院患者；\n"
            "2. 由患者本人或持授权委托书的代理人申请；\n"
            "3. 所申请的住院记录已生成费用明细。"
        ),
        "procedure": (
            "1. 申请：在便民服务中心窗口、住院楼自助服务机或医院服务号提出打印申请；\n"
            "2. 受理：核验患者或代理人身份；\n"
            "3. 审查：核对住院号和申请打印的费用日期范围；\n"
            "4. 决定：即时生成费用明细；\n"
            "5. 送达：窗口当场打印并加盖住院费用清单专用章，或在线下载电子清单。"
        ),
        "legal_limit": 0,
        "legal_limit_unit": "NATURAL",
        "committed_limit": 0,
        "committed_limit_unit": "NATURAL",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "IMMEDIATE",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": False,
        "courier": False,
        "online_payment": False,
        "place": "云溪县人民医院门诊楼一楼便民服务中心 5 号窗口；住院楼各层自助服务机",
        "hours": "窗口每日 7:30—17:30；自助服务机 24 小时开放",
        "enquiry_phone": "0799-6180105",
        "complaint_phone": "0799-6180000",
        "result_type": "OTHER",
        "result_name": "住院费用明细清单",
        "fees": [],
        "materials": [
            {
                "name": "患者居民身份证、医保电子凭证或住院腕带",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "任选其一，信息与住院登记一致",
            },
            {
                "name": "授权委托书",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "代理人办理时提供，由患者本人签名",
            },
            {
                "name": "代理人居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "代理人办理时提供，在有效期内",
            },
        ],
        "faq": [
            {
                "question": "费用清单需要盖章吗？",
                "answer": (
                    "窗口打印的清单加盖住院费用清单专用章，可用于商业保险理赔；自助机打印的清单如需盖章，"
                    "可到窗口免费加盖。"
                ),
            },
        ],
    },
    {
        "code": "YX-0033",
        "basic_code": "002031033000",
        "name": "出生医学证明办理",
        "kind": "PUBLIC_SERVICE",
        "level": "INSTITUTION",
        "department": "HOSPITAL",
        "implementing_organ": "云溪县人民医院",
        "joint_departments": ["WJW"],
        "legal_basis": (
            "1.《中华人民共和国母婴保健法》第二十三条：医疗保健机构和从事家庭接生的人员按照国务院卫生行政部门的规定，"
            "出具统一制发的新生儿出生医学证明。\n"
            "2. 国家卫生健康主管部门关于出生医学证明管理的有关规定：出生医学证明由经批准的助产机构签发，首次签发、"
            "换发、补发应严格核对信息。\n"
            "3. 省卫生健康委员会出生医学证明管理实施细则。"
        ),
        "conditions": (
            "1. 新生儿在本院出生，或院外分娩后由本院接诊并能确认分娩事实；\n"
            "2. 新生儿父母能提供有效身份证件；\n"
            "3. 已确定新生儿姓名。"
        ),
        "procedure": (
            "1. 申请：新生儿父母在产科住院期间或出院后，到出生医学证明办理窗口提出申请，也可通过医院服务号预填信息；"
            "\n"
            "2. 受理：核验父母身份证件，打印《出生医学证明首次签发登记表》，由申请人核对签字；\n"
            "3. 审查：核对分娩记录中的出生时间、性别、体重、出生地点等信息；\n"
            "4. 决定：信息无误的签发出生医学证明；\n"
            "5. 送达：申请人在承诺时限内到窗口领取，出生信息同步推送用于新生儿落户、医保参保等“出生一件事”联办。"
        ),
        "legal_limit": 5,
        "legal_limit_unit": "WORKING",
        "committed_limit": 1,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "PROMISED",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 1,
        "visits_reason": "需父母一方到窗口核对登记表信息、签字并领取证件",
        "appointment": False,
        "courier": False,
        "online_payment": False,
        "place": "云溪县人民医院住院楼三楼便民服务中心出生医学证明办理窗口",
        "hours": "工作日 上午 8:00—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6180106",
        "complaint_phone": "0799-6180000",
        "result_type": "CERTIFICATE",
        "result_name": "出生医学证明",
        "fees": [],
        "materials": [
            {
                "name": "新生儿父母居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "父母双方证件在有效期内，信息清晰完整",
            },
            {
                "name": "出生医学证明首次签发登记表",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "由窗口打印，申请人逐项核对后签名，新生儿姓名使用规范汉字",
            },
            {
                "name": "院外分娩相关证明",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "院外分娩的提供接诊记录，并按规定提交具有资质的机构出具的亲子鉴定意见书",
            },
        ],
        "faq": [
            {
                "question": "出生医学证明上的信息写错了还能改吗？",
                "answer": (
                    "出生医学证明签发后原则上不予更改，请在签字前仔细核对登记表；确属信息错误的，可按规定申请换发。"
                ),
            },
            {
                "question": "出生医学证明遗失了怎么办？",
                "answer": "可向本院申请补发，需提供父母身份证件和遗失情况说明，经核实后补发。",
            },
        ],
    },
    {
        "code": "YX-0034",
        "basic_code": "002031034000",
        "name": "住院病历复印",
        "kind": "PUBLIC_SERVICE",
        "level": "INSTITUTION",
        "department": "HOSPITAL",
        "implementing_organ": "云溪县人民医院",
        "joint_departments": [],
        "legal_basis": (
            "1.《医疗纠纷预防和处理条例》第十六条：患者有权查阅、复制其病历资料，医疗机构提供复制服务的可以收取工本费"
            "。\n"
            "2.《医疗机构病历管理规定》：医疗机构应当受理患者本人或其委托代理人、死亡患者法定继承人等复制病历资料的申"
            "请。\n"
            "3. 省医疗服务价格项目规范中关于病历复印收费的规定。"
        ),
        "conditions": (
            "1. 申请人为患者本人或其委托代理人，或为死亡患者的法定继承人或其代理人；\n"
            "2. 申请复印的住院病历已完成归档（一般为出院后 7 个工作日）；\n"
            "3. 申请复印的内容属于病历管理规定允许复制的病历资料。"
        ),
        "procedure": (
            "1. 申请：到病案复印窗口或通过医院服务号提交复印申请，选择复印内容和领取方式；\n"
            "2. 受理：核验申请人身份及与患者关系证明；\n"
            "3. 审查：病案室核对病历归档状态和申请复印范围；\n"
            "4. 决定：符合条件的安排复印，不符合的告知原因；\n"
            "5. 送达：复印件加盖病案复印专用章，窗口领取或快递邮寄。"
        ),
        "legal_limit": 7,
        "legal_limit_unit": "WORKING",
        "committed_limit": 3,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "PROMISED",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": False,
        "courier": True,
        "online_payment": True,
        "place": "云溪县人民医院行政楼一楼病案复印窗口（便民服务中心 6 号窗口）",
        "hours": "工作日 上午 8:00—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6180107",
        "complaint_phone": "0799-6180000",
        "result_type": "OTHER",
        "result_name": "病历资料复印件",
        "fees": [
            {
                "name": "病历复印费（每页）",
                "amount": "0.50",
                "basis": "省医疗服务价格项目规范中病历复印收费标准",
                "waivable": False,
            },
            {
                "name": "邮寄费",
                "amount": "12.00",
                "basis": "选择快递邮寄的，由快递企业按省内标准件收费标准到付收取",
                "waivable": False,
            },
        ],
        "materials": [
            {
                "name": "患者居民身份证",
                "original": "ORIGINAL_AND_COPY",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在有效期内，信息与病案首页一致",
            },
            {
                "name": "代理人居民身份证及授权委托书",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "代理人办理时提供，委托书由患者本人签名",
            },
            {
                "name": "死亡患者近亲属关系证明",
                "original": "ORIGINAL_AND_COPY",
                "form": "PAPER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "为死亡患者申请的提供户口簿、结婚证或公证书等关系证明",
            },
        ],
        "faq": [
            {
                "question": "出院后多久可以复印病历？",
                "answer": (
                    "住院病历一般在出院后 7 个工作日内完成归档，建议归档后申请；线上申请的可选择快递邮寄，无需到院。"
                ),
            },
        ],
    },
    # --- The hospital's 便民服务中心 (issue 14, decision 0026): its own services, each with a committed time in hours
    # or working days. An item counted in hours is an institution's own service (level INSTITUTION), never paused nor
    # extended. There is no statutory limit: the legal limit repeats the hospital's own promise.
    {
        "code": "YX-0035",
        "basic_code": "002031035000",
        "name": "咨询导诊",
        "kind": "PUBLIC_SERVICE",
        "level": "INSTITUTION",
        "department": "HOSPITAL",
        "implementing_organ": "云溪县人民医院",
        "joint_departments": [],
        "legal_basis": (
            "1.《医疗机构管理条例》：医疗机构应当加强对医务人员的医德教育，为患者提供便捷的就医服务。\n"
            "2. 国家卫生健康主管部门《进一步改善医疗服务行动计划》：医疗机构设置咨询、导诊服务台，"
            "为患者提供就医指导、预约挂号、检查检验结果查询等服务。\n"
            "3.《云溪县人民医院首问负责制度》：首位接待患者和家属的工作人员负责解答或引导，不得推诿。"
        ),
        "conditions": (
            "1. 到院就诊的患者、家属及其他来院人员均可咨询，不需预约；\n"
            "2. 查询本人就诊、检查检验或住院信息的，应核验患者身份（就诊卡、医保电子凭证或居民身份证）；\n"
            "3. 涉及诊断和治疗方案等专业问题的，由导诊人员联系相关科室答复，或引导至相应科室门诊。"
        ),
        "procedure": (
            "1. 申请：到门诊楼一楼便民服务中心咨询台、门诊各楼层导诊台当面咨询，或拨打咨询电话、通过医院服务号在线咨询；\n"
            "2. 受理：首问工作人员登记咨询事项，能当场答复的当场答复；\n"
            "3. 办理：需科室答复的，由便民服务中心联系相关科室，科室在 1 小时内答复；\n"
            "4. 答复：当面、电话或服务号消息告知咨询人，并指引就诊、检查或办理地点；\n"
            "5. 回访：未能当场解决的咨询，答复后征询咨询人对服务的评价。"
        ),
        "legal_limit": 1,
        "legal_limit_unit": "HOURS",
        "committed_limit": 1,
        "committed_limit_unit": "HOURS",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "IMMEDIATE",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": False,
        "courier": False,
        "online_payment": False,
        "place": "云溪县人民医院门诊楼一楼便民服务中心咨询台；门诊楼各层导诊台",
        "hours": "每日 7:30—17:30；夜间及节假日在急诊楼一楼服务台咨询，24 小时服务",
        "enquiry_phone": "0799-6180101",
        "complaint_phone": "0799-6180000",
        "result_type": "OTHER",
        "result_name": "咨询答复和就诊指引",
        "fees": [],
        "materials": [
            {
                "name": "咨询人身份信息（就诊卡、医保电子凭证或居民身份证）",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "查询本人就诊、检查或住院信息时出示核验；咨询一般就医流程的，告知姓名和联系电话即可",
            },
            {
                "name": "门诊病历、检查检验报告",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "咨询检查结果或复诊安排时提供，便于导诊人员指引到相应科室",
            },
        ],
        "faq": [
            {
                "question": "咨询需要排队取号吗？",
                "answer": "不需要。咨询台和各楼层导诊台随到随问，能当场答复的当场答复，需科室答复的 1 小时内答复。",
            },
            {
                "question": "医生的诊断和治疗方案能在咨询台问吗？",
                "answer": (
                    "导诊人员不解释病情。涉及诊断和治疗的问题，由便民服务中心联系主管科室答复，或引导您到相应科室门诊，"
                    "您的病情信息只告知您本人或经您同意的家属。"
                ),
            },
        ],
    },
    {
        "code": "YX-0036",
        "basic_code": "002031036000",
        "name": "医疗保险和医疗救助协助办理",
        "kind": "PUBLIC_SERVICE",
        "level": "INSTITUTION",
        "department": "HOSPITAL",
        "implementing_organ": "云溪县人民医院",
        "joint_departments": [],
        "legal_basis": (
            "1.《中华人民共和国社会保险法》第二十九条：参保人员医疗费用中应当由基本医疗保险基金支付的部分，"
            "由社会保险经办机构与医疗机构直接结算。\n"
            "2.《医疗保障基金使用监督管理条例》：定点医药机构应当为参保人员提供医疗保障基金结算服务，"
            "执行实名就医和购药管理规定。\n"
            "3. 国务院办公厅《关于健全重特大疾病医疗保险和救助制度的意见》：推动基本医保、大病保险、医疗救助"
            "“一站式服务、一窗口办理、一单制结算”。\n"
            "4.《云溪县医疗救助实施办法》。"
        ),
        "conditions": (
            "1. 在本院就诊的基本医疗保险参保患者；\n"
            "2. 申请医疗救助的，患者为特困人员、低保对象、低保边缘家庭成员、防止返贫监测对象，"
            "或因高额医疗费用支出导致家庭基本生活出现严重困难的大病患者；\n"
            "3. 异地参保患者需直接结算的，已在参保地办理异地就医备案，或可在窗口协助办理备案；\n"
            "4. 申请门诊慢特病待遇的，有本院或上级医院出具的诊断证明。"
        ),
        "procedure": (
            "1. 申请：患者或家属到便民服务中心医保服务窗口说明需办理的事项（异地就医备案、门诊慢特病待遇申请、"
            "医疗救助身份核验、大病保险、费用结算疑问等）；\n"
            "2. 受理：核验患者身份、参保信息和救助对象身份（低保、特困等身份由民政部门数据共享核验）；\n"
            "3. 办理：便民服务中心联系医保办核对参保和结算信息，涉及住院费用结算的同时协调财务科；"
            "需向县医疗保障局报送材料的，由服务中心代为报送；\n"
            "4. 告知：3 个工作日内将办理结果告知患者或家属；\n"
            "5. 结算：出院时基本医保、大病保险、医疗救助“一站式”结算，患者只支付个人自付部分。"
        ),
        "legal_limit": 3,
        "legal_limit_unit": "WORKING",
        "committed_limit": 3,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "PROMISED",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": False,
        "courier": False,
        "online_payment": False,
        "place": "云溪县人民医院门诊楼一楼便民服务中心 7 号窗口（医保服务）",
        "hours": "工作日 上午 8:00—12:00，下午 14:30—17:30；周末在出院结算窗口代收申请",
        "enquiry_phone": "0799-6180108",
        "complaint_phone": "0799-6180000",
        "result_type": "OTHER",
        "result_name": "医保和医疗救助办理结果告知",
        "fees": [],
        "materials": [
            {
                "name": "患者居民身份证或医保电子凭证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "《医疗保障基金使用监督管理条例》关于实名就医的规定",
                "standard": "用于核验参保信息；未成年人可提供户口簿",
            },
            {
                "name": "医疗救助对象身份信息",
                "original": "ORIGINAL",
                "form": "ELECTRONIC",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "GOVERNMENT",
                "basis": "",
                "standard": "特困、低保、低保边缘等身份由民政部门数据共享核验，无需提交纸质证明",
            },
            {
                "name": "门诊慢特病诊断证明",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "申请门诊慢特病待遇时提供，由具有相应诊疗科目的医疗机构出具",
            },
            {
                "name": "代办人居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "由家属代为办理时提供",
            },
        ],
        "faq": [
            {
                "question": "没有办理异地就医备案，住院费用能直接结算吗？",
                "answer": (
                    "可以先在窗口协助办理备案，备案成功后即可直接结算；来不及备案的先按自费结算，"
                    "出院后持票据和费用清单回参保地报销。"
                ),
            },
            {
                "question": "医疗救助需要自己到民政部门申请吗？",
                "answer": "已认定的救助对象不需要，身份由系统共享核验，出院时“一站式”结算；其他困难患者可由服务中心协助申请。",
            },
        ],
    },
    {
        "code": "YX-0037",
        "basic_code": "002031037000",
        "name": "转院协调",
        "kind": "PUBLIC_SERVICE",
        "level": "INSTITUTION",
        "department": "HOSPITAL",
        "implementing_organ": "云溪县人民医院",
        "joint_departments": [],
        "legal_basis": (
            "1.《医疗机构管理条例》：医疗机构对危重病人应当立即抢救；对限于设备或者技术条件不能诊治的病人，"
            "应当及时转诊。\n"
            "2.《医疗质量安全核心制度要点》：患者转科、转院时，医疗机构应当做好病情评估和交接。\n"
            "3. 医疗保障部门关于参保人员转诊转院备案的规定：经定点医疗机构转诊的，按规定享受医保待遇。\n"
            "4.《云溪县人民医院双向转诊管理办法》。"
        ),
        "conditions": (
            "1. 经本院主管医师评估，患者病情超出本院诊疗能力，或患者及家属要求转往上级医院、专科医院；\n"
            "2. 患者病情允许转运，或经评估可在医护人员陪同下安全转运；\n"
            "3. 患者或家属签署转院知情同意书。"
        ),
        "procedure": (
            "1. 申请：家属到便民服务中心提出转院需求，或由病区提出；\n"
            "2. 受理：登记患者信息、转院原因和意向接收医院；\n"
            "3. 协调：便民服务中心联系主管科室评估转运风险并开具转诊单，联系医务科与接收医院对接床位，"
            "需要时协调急诊科安排救护车和随车医护人员；\n"
            "4. 告知：受理后 24 小时内将接收医院、床位、转运时间和医保转诊备案情况告知患者或家属；\n"
            "5. 办结：转院当日协助办理出院结算，病历摘要随患者转出。"
        ),
        "legal_limit": 24,
        "legal_limit_unit": "HOURS",
        "committed_limit": 24,
        "committed_limit_unit": "HOURS",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "PROMISED",
        "channels": ["WINDOW"],
        "required_visits": 1,
        "visits_reason": "需患者或家属到场签署转院知情同意书",
        "appointment": False,
        "courier": False,
        "online_payment": False,
        "place": "云溪县人民医院门诊楼一楼便民服务中心 1—2 号窗口；夜间及节假日在急诊楼一楼服务台",
        "hours": "24 小时服务（夜间及节假日由急诊楼一楼服务台受理）",
        "enquiry_phone": "0799-6180120",
        "complaint_phone": "0799-6180000",
        "result_type": "OTHER",
        "result_name": "转院安排告知（接收医院、床位、转运时间）",
        "fees": [],
        "materials": [
            {
                "name": "患者居民身份证或医保电子凭证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "与住院登记信息一致",
            },
            {
                "name": "转院知情同意书",
                "original": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "窗口提供格式文本，患者本人或其近亲属签字",
            },
            {
                "name": "家属居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "由家属代为申请时提供",
            },
            {
                "name": "接收医院同意接收的证明",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "家属已自行联系接收医院的提供，可为接收科室的书面或电子回复",
            },
        ],
        "faq": [
            {
                "question": "转院需要付费吗？",
                "answer": (
                    "转院协调服务不收费。需要救护车转运的，转运费按县医疗服务价格标准计入住院费用，"
                    "协调时会事先告知。"
                ),
            },
            {
                "question": "转到外地医院，医保还能报销吗？",
                "answer": "经本院转诊的，服务中心同时协助办理转诊备案，按参保地规定享受医保待遇。",
            },
        ],
    },
    {
        "code": "YX-0038",
        "basic_code": "002031038000",
        "name": "会诊协调",
        "kind": "PUBLIC_SERVICE",
        "level": "INSTITUTION",
        "department": "HOSPITAL",
        "implementing_organ": "云溪县人民医院",
        "joint_departments": [],
        "legal_basis": (
            "1.《医疗质量安全核心制度要点》：会诊制度——会诊分为院内会诊和院外会诊，医疗机构应当统一会诊单格式及"
            "填写规范，明确各类会诊的具体流程。\n"
            "2.《医师外出会诊管理暂行规定》：邀请外院医师会诊的，由邀请医疗机构向会诊医疗机构发出书面会诊邀请。\n"
            "3.《云溪县人民医院会诊管理制度》。"
        ),
        "conditions": (
            "1. 住院患者病情涉及多个专科，主管医师认为需要会诊，或患者及家属提出会诊需求经主管医师同意；\n"
            "2. 邀请院外专家会诊的，由本院医务科向会诊医疗机构发出书面邀请，患者或家属知晓并同意会诊费用。"
        ),
        "procedure": (
            "1. 申请：患者或家属到便民服务中心提出会诊需求，或由病区提出；\n"
            "2. 受理：登记会诊需求（院内多学科会诊或院外专家会诊）；\n"
            "3. 协调：便民服务中心联系相关科室确认会诊必要性和时间，需院外专家的由医务科联系邀请；\n"
            "4. 告知：受理后 48 小时内将会诊时间和参加会诊的科室、医师告知患者或家属；\n"
            "5. 办结：会诊意见记入病历，由主管医师向患者或家属说明。"
        ),
        "legal_limit": 48,
        "legal_limit_unit": "HOURS",
        "committed_limit": 48,
        "committed_limit_unit": "HOURS",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "PROMISED",
        "channels": ["WINDOW"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": False,
        "courier": False,
        "online_payment": False,
        "place": "云溪县人民医院门诊楼一楼便民服务中心 1—2 号窗口；各病区护士站可代为提出",
        "hours": "每日 7:30—17:30；急会诊由病区直接联系，24 小时服务",
        "enquiry_phone": "0799-6180120",
        "complaint_phone": "0799-6180000",
        "result_type": "OTHER",
        "result_name": "会诊安排告知（时间、科室和医师）",
        "fees": [],
        "materials": [
            {
                "name": "患者居民身份证、医保电子凭证或住院腕带",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "任选其一，信息与住院登记一致",
            },
            {
                "name": "院外检查资料",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "在其他医院做过的检查检验报告、影像资料，供会诊医师参考",
            },
        ],
        "faq": [
            {
                "question": "会诊协调收费吗？",
                "answer": "协调服务不收费。会诊费按省医疗服务价格标准计入住院费用；邀请院外专家的，费用事先告知并经您同意。",
            },
            {
                "question": "病情危急等不了 48 小时怎么办？",
                "answer": "急会诊由主管医师直接发起，会诊医师 10 分钟内到场，不需经过服务中心。",
            },
        ],
    },
    {
        "code": "YX-0039",
        "basic_code": "002031039000",
        "name": "来访接待（来访者和合作单位）",
        "kind": "OTHER",
        "level": "INSTITUTION",
        "department": "HOSPITAL",
        "implementing_organ": "云溪县人民医院",
        "joint_departments": [],
        "legal_basis": (
            "1.《医疗联合体管理办法（试行）》：医联体牵头医院与成员单位建立双向转诊、人员进修、技术帮扶等协作机制。\n"
            "2.《中华人民共和国基本医疗卫生与健康促进法》：医疗卫生机构之间应当加强协作，提升基层医疗卫生服务能力。\n"
            "3.《云溪县人民医院来访接待管理办法》。"
        ),
        "conditions": (
            "1. 到院参观学习、交流协作、调研检查的单位和个人，医联体成员单位、对口帮扶单位等合作单位；\n"
            "2. 提前预约，说明来访事由、人数和时间；\n"
            "3. 来访涉及患者信息的，应出具合法依据，并按规定办理。"
        ),
        "procedure": (
            "1. 预约：来访单位或个人通过电话、公函或现场向便民服务中心预约；\n"
            "2. 受理：登记来访事由、人员、时间和联系方式；\n"
            "3. 安排：便民服务中心联系相关科室和职能部门，确定接待人员、场地和日程；\n"
            "4. 告知：2 个工作日内将接待安排告知来访方；\n"
            "5. 接待：按日程接待，接待结束后登记接待情况和需跟进的事项。"
        ),
        "legal_limit": 2,
        "legal_limit_unit": "WORKING",
        "committed_limit": 2,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "PROMISED",
        "channels": ["WINDOW", "ONLINE"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": True,
        "courier": False,
        "online_payment": False,
        "place": "云溪县人民医院行政楼一楼便民服务中心接待室",
        "hours": "工作日 上午 8:00—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6180109",
        "complaint_phone": "0799-6180000",
        "result_type": "OTHER",
        "result_name": "来访接待安排",
        "fees": [],
        "materials": [
            {
                "name": "来访人员居民身份证",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "来访当日出示，用于登记",
            },
            {
                "name": "来访单位公函或介绍信",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "以单位名义来访的提供，载明来访事由、人员和联系人",
            },
        ],
        "faq": [
            {
                "question": "合作单位的进修人员报到也在这里办理吗？",
                "answer": "是的。进修和学习交流人员先到便民服务中心登记，由服务中心联系医务科安排进修科室和带教老师。",
            },
        ],
    },
    {
        "code": "YX-0040",
        "basic_code": "002031040000",
        "name": "医院领导交办事项办理",
        "kind": "OTHER",
        "level": "INSTITUTION",
        "department": "HOSPITAL",
        "implementing_organ": "云溪县人民医院",
        "joint_departments": [],
        "legal_basis": (
            "1.《云溪县人民医院便民服务中心工作职责》：完成医院领导交办的其他任务。\n"
            "2.《云溪县人民医院督查督办制度》：交办事项明确承办部门和办理时限，按时反馈办理结果。"
        ),
        "conditions": (
            "1. 医院领导批示交由便民服务中心办理的患者和家属诉求、院长信箱来信、上级部门转办事项；\n"
            "2. 交办事项有明确的办理要求和当事人联系方式。"
        ),
        "procedure": (
            "1. 交办：医院领导批示或院办转来交办单；\n"
            "2. 登记：便民服务中心登记交办事项、当事患者或家属及联系方式；\n"
            "3. 办理：联系相关科室协调解决，涉及多个科室的分别发出协调；\n"
            "4. 反馈：5 个工作日内将办理情况告知当事人，并向交办领导书面报告；\n"
            "5. 办结：交办领导审阅后办结归档。"
        ),
        "legal_limit": 5,
        "legal_limit_unit": "WORKING",
        "committed_limit": 5,
        "committed_limit_unit": "WORKING",
        "special_procedures": [],
        "extension_allowed": False,
        "extension_days": 0,
        "default_class": "PROMISED",
        "channels": ["WINDOW"],
        "required_visits": 0,
        "visits_reason": "",
        "appointment": False,
        "courier": False,
        "online_payment": False,
        "place": "云溪县人民医院门诊楼一楼便民服务中心",
        "hours": "工作日 上午 8:00—12:00，下午 14:30—17:30（法定节假日除外）",
        "enquiry_phone": "0799-6180120",
        "complaint_phone": "0799-6180000",
        "result_type": "OTHER",
        "result_name": "交办事项办理情况报告",
        "fees": [],
        "materials": [
            {
                "name": "医院领导交办单或院长信箱来信",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "REQUIRED",
                "source": "APPLICANT",
                "basis": "",
                "standard": "有交办领导的批示和办理要求",
            },
            {
                "name": "当事人提供的相关材料",
                "original": "ORIGINAL",
                "form": "EITHER",
                "copies": 1,
                "necessity": "OPTIONAL",
                "source": "APPLICANT",
                "basis": "",
                "standard": "票据、病历资料等，根据交办事项需要提供",
            },
        ],
        "faq": [
            {
                "question": "写给院长信箱的信由谁答复？",
                "answer": "院领导批示后交便民服务中心办理，5 个工作日内由服务中心把办理情况告知您，并向院领导报告。",
            },
        ],
    },
]
