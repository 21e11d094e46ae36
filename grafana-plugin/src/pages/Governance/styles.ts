import { getPageStyles } from '../../components/shared/pageStyles';

/** The look the governance sections share: the pages' own, with nothing of governance's added. */
export const getGovernanceStyles = getPageStyles;
